import socket

# Só IPv4: usa apenas o endereço IPv4 de "localhost".
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.settimeout(2)
    try:
        s.connect(("localhost", 8080))
        print("Só IPv4: conectou.")
    except ConnectionRefusedError:
        print("Só IPv4: conexão recusada.")
        #> Só IPv4: conexão recusada.

# create_connection tenta cada endereço de "localhost", em ordem.
with socket.create_connection(("localhost", 8080), timeout=2) as conn:
    family = "IPv6" if conn.family == socket.AF_INET6 else "IPv4"
    print(f"create_connection: conectou via {family}.")
    #> create_connection: conectou via IPv6.
