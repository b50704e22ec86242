import urllib3

retries = urllib3.Retry(connect=2, backoff_factor=0.01)  # 3 tentativas no total
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
