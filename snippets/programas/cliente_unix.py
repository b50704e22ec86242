"""Conecta a um socket Unix (AF_UNIX), como o supervisorctl faz."""

import socket
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "/var/run/supervisor.sock"
if len(sys.argv) > 2:
    sys.exit("Uso: python cliente_unix.py [CAMINHO_DO_SOCKET]")

try:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        sock.connect(path)
        print(f"Conectou: alguém escuta em {path}.")
except FileNotFoundError:
    print(f"FileNotFoundError: {path} não existe (o servidor nunca subiu).")
    sys.exit(1)
except ConnectionRefusedError:
    print(f"ConnectionRefusedError: {path} existe, mas ninguém escuta nele.")
    sys.exit(1)
