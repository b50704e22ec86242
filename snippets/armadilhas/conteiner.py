import os
import socket

# Em contêineres, o endereço vem da configuração, nunca fixo em "localhost".
HOST = os.environ.get("DB_HOST", "localhost")
PORT = int(os.environ.get("DB_PORT", "5432"))

try:
    with socket.create_connection((HOST, PORT), timeout=2):
        print(f"Conectado ao banco em {HOST}.")
except ConnectionRefusedError:
    print(f"Recusada: visto daqui, nada escuta nessa porta em {HOST}.")
    #> Recusada: visto daqui, nada escuta nessa porta em 127.0.0.1.
