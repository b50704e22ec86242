import urllib3

# Só falhas de conexão se repetem (3 tentativas no total); um erro depois de
# a requisição sair (`read`) não se repete, nem um status de erro.
retries = urllib3.Retry(
    total=2, connect=2, read=0, status=0, other=0, backoff_factor=0.01
)
with urllib3.PoolManager(retries=retries, timeout=2) as http:
    try:
        response = http.request("GET", "http://127.0.0.1:8000/")
        print("HTTP", response.status)
    except urllib3.exceptions.MaxRetryError as exc:
        # .reason guarda o erro da última tentativa
        print(type(exc).__name__, "->", type(exc.reason).__name__)
        #> MaxRetryError -> NewConnectionError
        print("Causa:", type(exc.reason.__cause__).__name__)
        #> Causa: ConnectionRefusedError
