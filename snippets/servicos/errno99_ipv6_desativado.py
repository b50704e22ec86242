import socket
import traceback
import urllib.error
import urllib.request

import requests

# IPv6 desativado, mas `localhost` ainda resolve para ::1 e 127.0.0.1, e nada
# escuta na porta 8081. Cada cliente tenta os dois endereços e mostra um erro só.
url = "http://localhost:8081/"
try:
    requests.get(url, timeout=0.5)
except requests.exceptions.ConnectionError as exc:
    print("# requests:")
    print(*traceback.format_exception_only(exc), sep="", end="")
try:
    urllib.request.urlopen(url, timeout=0.5)
except urllib.error.URLError as exc:
    print("# urllib:")
    print(*traceback.format_exception_only(exc), sep="", end="")
try:
    with socket.create_connection(("localhost", 8081), timeout=0.5):
        pass
except OSError as exc:
    print("# socket.create_connection:")
    print(*traceback.format_exception_only(exc), sep="", end="")
