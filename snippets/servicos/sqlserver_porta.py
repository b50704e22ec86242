import socket

# A porta padrão do SQL Server. O driver ODBC da Microsoft faz esta mesma
# conexão TCP antes de qualquer autenticação.
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
    sock.settimeout(3)
    try:
        sock.connect(("127.0.0.1", 1433))
        print("A porta 1433 aceitou a conexão")
    except ConnectionRefusedError as exc:
        print(type(exc).__name__, "na porta 1433: nada escuta ali")
        #> ConnectionRefusedError na porta 1433: nada escuta ali
