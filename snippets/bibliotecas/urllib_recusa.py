import urllib.error
import urllib.request

from recipes import proxy_for

URL = "http://127.0.0.1:8000/"

try:
    with urllib.request.urlopen(URL, timeout=2) as response:
        print("HTTP", response.status)
except urllib.error.URLError as exc:
    # URLError embrulha a falha de rede; a exceção original fica em .reason
    print(type(exc).__name__, "->", type(exc.reason).__name__)
    #> URLError -> ConnectionRefusedError
    if isinstance(exc.reason, ConnectionRefusedError):
        # A exceção não diz quem recusou: com HTTP_PROXY, pode ter sido o proxy.
        proxy = proxy_for(URL, all_proxy=False)  # o urllib ignora ALL_PROXY
        if proxy:
            print(f"Recusada pelo proxy {proxy}: o servidor pode estar no ar.")
        else:
            print("Recusada: o servidor HTTP não está no ar.")
            #> Recusada: o servidor HTTP não está no ar.
