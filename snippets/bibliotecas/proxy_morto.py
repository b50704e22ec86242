import requests

# O ambiente tem HTTP_PROXY=http://127.0.0.1:3128, e esse proxy não está no ar.
with requests.Session() as session:
    try:
        session.get("http://127.0.0.1:8000/", timeout=2)
    except requests.exceptions.ProxyError as exc:
        print(f"{type(exc).__name__}: a recusa veio do proxy, não do servidor")
        #> ProxyError: a recusa veio do proxy, não do servidor

with requests.Session() as session:
    session.trust_env = False  # ignora HTTP_PROXY e afins
    response = session.get("http://127.0.0.1:8000/", timeout=2)
    print("Sem o proxy: HTTP", response.status_code)
    #> Sem o proxy: HTTP 200
