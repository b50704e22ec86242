import traceback

import psycopg2

# PostgreSQL fora do ar (ou sem escutar em 127.0.0.1:5432).
try:
    conn = psycopg2.connect(
        host="127.0.0.1", port=5432, dbname="app", user="app", connect_timeout=3
    )
except psycopg2.OperationalError as exc:
    # A última linha do traceback, como aparece no terminal
    print(*traceback.format_exception_only(exc), sep="", end="")
else:
    with conn:
        print("Conectado ao PostgreSQL", conn.server_version)
    conn.close()
