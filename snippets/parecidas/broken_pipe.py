import socket
import time

with socket.create_server(("127.0.0.1", 0)) as server:
    address = server.getsockname()
    with socket.create_connection(address, timeout=2) as conn:
        peer, _ = server.accept()
        peer.close()  # o outro lado fecha a conexão
        time.sleep(0.05)
        try:
            for _ in range(3):  # a 1ª escrita ainda "passa"; a seguinte falha
                conn.sendall(b"dados")
                time.sleep(0.05)
        except BrokenPipeError as exc:
            print(f"{type(exc).__name__}: escrita em conexão já fechada")
            #> BrokenPipeError: escrita em conexão já fechada
