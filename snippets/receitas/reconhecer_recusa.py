import requests

from recipes import is_connection_refused, proxy_for

URL = "http://127.0.0.1:8000/saude"

try:
    response = requests.get(URL, timeout=2)
    print(f"Serviço respondeu: HTTP {response.status_code}")
except requests.exceptions.ConnectionError as exc:
    if not is_connection_refused(exc):
        print(f"Outra falha de conexão: {type(exc).__name__}")
    elif proxy := proxy_for(URL):
        print(f"Recusada pelo proxy {proxy}, não pelo serviço.")
    else:
        print("Recusada: nada escuta na porta 8000. O serviço está no ar?")
        #> Recusada: nada escuta na porta 8000. O serviço está no ar?
