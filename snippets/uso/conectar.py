import socket

try:
    # tenta cada endereço de "localhost" (IPv6 e IPv4), um depois do outro
    with socket.create_connection(("localhost", 8080), timeout=5):
        print("Conectado.")
except ConnectionRefusedError:
    print("Conexão recusada: o servidor pode não estar em execução.")
    #> Conexão recusada: o servidor pode não estar em execução.
except OSError as e:  # demais erros de rede: tempo esgotado, DNS, rota
    print(f"Outro erro de rede: {type(e).__name__}: {e}")
