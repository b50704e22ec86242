import socket
import time

start = time.perf_counter()
try:
    # Tempo-limite de 5 s: ele só vale para quem não responde.
    with socket.create_connection(("127.0.0.1", 8080), timeout=5):
        print("Conectado.")
except ConnectionRefusedError:
    elapsed = time.perf_counter() - start
    # No Linux e no macOS, microssegundos; no Windows, cerca de 2 s.
    print(f"Recusada antes do tempo-limite? {elapsed < 5}")
    #> Recusada antes do tempo-limite? True
