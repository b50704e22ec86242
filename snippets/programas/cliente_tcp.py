"""Conecta a uma porta TCP e espera a primeira mensagem do outro lado."""

import socket
import sys

if len(sys.argv) != 3 or not sys.argv[2].isdigit():
    sys.exit("Uso: python cliente_tcp.py HOST PORTA  (por exemplo: 127.0.0.1 5432)")
host, port = sys.argv[1], int(sys.argv[2])

try:
    with socket.create_connection((host, port), timeout=1) as sock:
        print("Conectou: alguém aceitou a conexão nessa porta.")
        data = sock.recv(1024)
        if data:
            print(f"Recebeu: {data.decode(errors='replace').strip()}")
        else:
            print("Fechada pelo outro lado sem nenhum byte (EOF).")
except ConnectionRefusedError:
    print("Recusada: ConnectionRefusedError.")
    sys.exit(1)
except ConnectionResetError:
    print("Aceita e derrubada: ConnectionResetError.")
    sys.exit(1)
except TimeoutError:
    print("Nenhum byte em 1 s: TimeoutError.")
    sys.exit(1)
