import socket

with socket.create_connection(("127.0.0.1", 7000), timeout=2) as conn:
    print("Conectou: o servidor aceitou a conexão.")
    #> Conectou: o servidor aceitou a conexão.
    try:
        conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
        conn.recv(1024)
    except ConnectionResetError as exc:
        print(f"Depois: {type(exc).__name__} (o servidor abortou a conexão)")
        #> Depois: ConnectionResetError (o servidor abortou a conexão)
