import errno
import socket

try:
    with socket.create_connection(("127.0.0.1", 8080), timeout=2):
        print("Conectado.")
except OSError as exc:
    # Portável: compare com a constante ou com a classe, nunca com 111.
    print("Recusada?", exc.errno == errno.ECONNREFUSED)
    #> Recusada? True
    print("Classe:", type(exc).__name__)
    #> Classe: ConnectionRefusedError
