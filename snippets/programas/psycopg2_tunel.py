"""Conecta ao PostgreSQL pela porta local de um túnel SSH (127.0.0.1:5432)."""

import psycopg2

try:
    conn = psycopg2.connect(
        host="127.0.0.1", port=5432, user="app", dbname="app", connect_timeout=2
    )
except psycopg2.OperationalError as exc:
    print(f"OperationalError: {str(exc).strip()}")
else:
    print("Conectou ao PostgreSQL.")
    conn.close()
