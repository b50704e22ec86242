import urllib.error
import urllib.request

try:
    with urllib.request.urlopen("http://127.0.0.1:8000/", timeout=2) as response:
        print("HTTP", response.status)
except urllib.error.URLError as exc:
    # URLError embrulha a falha de rede; a exceção original fica em .reason
    print(type(exc).__name__, "->", type(exc.reason).__name__)
    #> URLError -> ConnectionRefusedError
    if isinstance(exc.reason, ConnectionRefusedError):
        print("Recusada: o servidor HTTP não está no ar.")
        #> Recusada: o servidor HTTP não está no ar.
