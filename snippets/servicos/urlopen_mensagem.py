import traceback
import urllib.error
import urllib.request

try:
    with urllib.request.urlopen("http://127.0.0.1:8000/", timeout=3) as response:
        print("HTTP", response.status)
except urllib.error.URLError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
    print("# reason:", repr(exc.reason))
