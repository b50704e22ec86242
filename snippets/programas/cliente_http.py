"""Pede uma página e diz quem respondeu: o status HTTP e o cabeçalho `Server`."""

import sys
import urllib.error
import urllib.request

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/"
if len(sys.argv) > 2 or not url.startswith(("http://", "https://")):
    sys.exit("Uso: python cliente_http.py [URL]  (uma URL que comece com http://)")

try:
    with urllib.request.urlopen(url, timeout=2) as response:
        status, reason, headers = response.status, response.reason, response.headers
except urllib.error.HTTPError as exc:  # um status de erro: alguém respondeu
    with exc:
        status, reason, headers = exc.code, exc.reason, exc.headers
except urllib.error.URLError as exc:  # ninguém respondeu: a causa está em reason
    print(f"Sem resposta: {type(exc.reason).__name__}")
    sys.exit(1)
except ConnectionResetError as exc:  # aceitou e fechou antes de responder
    print(f"Sem resposta: {type(exc).__name__}")
    sys.exit(1)
server = headers.get("Server", "(sem identificação)").split("/")[0]
print(f"HTTP {status} {reason}; quem respondeu: {server}")
