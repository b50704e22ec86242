import requests

from recipes import is_connection_refused

try:
    response = requests.get("http://127.0.0.1:8000/saude", timeout=2)
    print(f"Serviço respondeu: HTTP {response.status_code}")
except requests.exceptions.ConnectionError as exc:
    if is_connection_refused(exc):
        print("Recusada: nada escuta na porta 8000. O serviço está no ar?")
        #> Recusada: nada escuta na porta 8000. O serviço está no ar?
    else:
        print(f"Outra falha de conexão: {type(exc).__name__}")
