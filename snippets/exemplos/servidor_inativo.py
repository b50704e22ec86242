import socket

ADDRESS = ("127.0.0.1", 9999)

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
    client.settimeout(2)
    try:
        client.connect(ADDRESS)
        print("Conectado ao servidor.")
    except ConnectionRefusedError:
        print("Erro: a conexão foi recusada. Verifique se o servidor está ativo.")
        #> Erro: a conexão foi recusada. Verifique se o servidor está ativo.
