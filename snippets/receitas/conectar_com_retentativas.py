from recipes import connect_with_retry

try:
    with connect_with_retry(
        ("127.0.0.1", 8080), attempts=8, base_delay=0.05, deadline=1.0
    ) as conn:
        conn.sendall(b"ping\n")
        print("Conectado; a requisição foi enviada uma única vez.")
        #> Conectado; a requisição foi enviada uma única vez.
except ConnectionRefusedError:
    print("O serviço não subiu a tempo: desistindo.")
