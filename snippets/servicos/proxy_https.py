import traceback

import requests

# HTTPS_PROXY=http://127.0.0.1:3128 no ambiente, e nada escuta nessa porta.
try:
    requests.get("https://pypi.invalid/simple/requests/", timeout=3)
except requests.exceptions.ProxyError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
