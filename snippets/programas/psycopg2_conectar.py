"""Conecta ao banco em 127.0.0.1 (porta 5432, ou a dada) com o psycopg2."""

import sys

import psycopg2

if len(sys.argv) > 2 or not all(arg.isdigit() for arg in sys.argv[1:]):
    sys.exit("Uso: python psycopg2_conectar.py [PORTA]  (por exemplo: 6432)")
port = int(sys.argv[1]) if len(sys.argv) > 1 else 5432

try:
    conn = psycopg2.connect(
        host="127.0.0.1", port=port, user="app", dbname="app", connect_timeout=2
    )
except psycopg2.OperationalError as exc:
    print(f"OperationalError: {str(exc).strip()}")
else:
    print("Conectou ao banco.")
    conn.close()
