import socket
import time

start = time.perf_counter()
try:
    # Tempo-limite de 5 s: ele só vale para quem não responde.
    with socket.create_connection(("127.0.0.1", 8080), timeout=5):
        print("Conectado.")
except ConnectionRefusedError:
    elapsed = time.perf_counter() - start
    print(f"Recusada em menos de 0,1 s? {elapsed < 0.1}")
    #> Recusada em menos de 0,1 s? True
