"""Um serviço que, ao iniciar, conecta ao banco em 127.0.0.1:5432.

Com --esperar SEGUNDOS, espera o banco aceitar conexões (até esse prazo)
em vez de desistir na primeira recusa.
"""

import socket
import sys

from recipes import wait_for_port

HOST, PORT = "127.0.0.1", 5432

USAGE = "Uso: python servico_no_boot.py [--esperar SEGUNDOS]"
args = sys.argv[1:]
patience = 0.0
if args:
    if len(args) != 2 or args[0] != "--esperar":
        sys.exit(USAGE)
    try:
        patience = float(args[1])
    except ValueError:
        sys.exit(f"--esperar precisa de um número de segundos, não {args[1]!r}")

try:
    if patience:
        wait_for_port(HOST, PORT, timeout=patience, interval=0.05)
        print("O banco passou a aceitar conexões.")
    with socket.create_connection((HOST, PORT), timeout=1):
        print("Conectou ao banco: o serviço está no ar.")
except ConnectionRefusedError:
    print("ConnectionRefusedError: o banco ainda não escuta; o serviço termina.")
    sys.exit(1)
except TimeoutError as exc:
    print(f"Desisti de esperar: {exc}")
    sys.exit(1)
