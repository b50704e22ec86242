import socket

# Um servidor que não chama `accept()`: `listen(1)` guarda uma conexão na fila.
with socket.create_server(("127.0.0.1", 0), backlog=1) as server:
    address = server.getsockname()
    waiting = []
    try:
        for number in range(1, 5):
            client = socket.socket()
            waiting.append(client)
            client.settimeout(0.2)
            client.connect(address)
            print(f"Conexão {number}: aceita pelo kernel, esperando accept()")
            #> Conexão 1: aceita pelo kernel, esperando accept()
            #> Conexão 2: aceita pelo kernel, esperando accept()
    except TimeoutError:
        print(f"Conexão {number}: tempo esgotado (fila de conexões cheia)")
        #> Conexão 3: tempo esgotado (fila de conexões cheia)
    finally:
        for client in waiting:
            client.close()
