import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

# Novas tentativas só para falhas de conexão (nada chegou ao servidor), com
# espera crescente: 0 s, 0,2 s, 0,4 s. Cada contador fica fixo: sem isso, o
# `total` continua 10 e um 503 com `Retry-After` é repetido.
retries = Retry(
    total=3,
    connect=3,
    read=0,
    status=0,
    other=0,
    respect_retry_after_header=False,
    backoff_factor=0.1,
)
with requests.Session() as session:
    session.mount("http://", HTTPAdapter(max_retries=retries))
    try:
        response = session.get("http://127.0.0.1:8000/", timeout=3)
        print("HTTP", response.status_code)
        #> HTTP 200
    except requests.exceptions.ConnectionError:
        print("Recusada em todas as tentativas.")
