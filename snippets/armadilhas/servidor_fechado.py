import socket

with socket.create_server(("127.0.0.1", 0)) as server:
    port = server.getsockname()[1]  # porta livre escolhida pelo sistema
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        print("Servidor aberto: conectou.")
        #> Servidor aberto: conectou.

# O servidor saiu do bloco `with` e foi fechado: a porta não escuta mais.
try:
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        print("Conectou de novo?")
except ConnectionRefusedError:
    print("Servidor fechado: conexão recusada.")
    #> Servidor fechado: conexão recusada.
