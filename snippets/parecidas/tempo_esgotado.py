import socket
import time

start = time.perf_counter()
try:
    with socket.create_connection(("127.0.0.1", 8080), timeout=0.3):
        print("Conectado.")
except ConnectionRefusedError:
    print("Recusada.")
except TimeoutError:
    elapsed = time.perf_counter() - start
    print(f"TimeoutError depois do tempo-limite inteiro: {elapsed >= 0.3}")
    #> TimeoutError depois do tempo-limite inteiro: True
