import os
import socket

# No GitHub Actions, um job que roda no runner alcança o serviço por
# localhost e pela porta publicada; um job com `container:` usa o nome do
# serviço (`postgres`) e a porta do contêiner.
host = os.environ.get("POSTGRES_HOST", "localhost")
port = int(os.environ.get("POSTGRES_PORT", "5432"))
try:
    with socket.create_connection((host, port), timeout=3):
        print(f"{host}:{port} aceita conexões.")
except ConnectionRefusedError:
    print(f"{host}:{port} recusou: o serviço não subiu ou não publicou a porta.")
    #> localhost:5432 recusou: o serviço não subiu ou não publicou a porta.
