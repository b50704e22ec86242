import os

import psycopg

DSN = os.environ.get("DATABASE_URL", "postgresql://app@127.0.0.1:5432/app")

try:
    with psycopg.connect(DSN, connect_timeout=2) as conn:
        print("Conectado:", conn.info.server_version)
except psycopg.OperationalError as exc:
    # A libpq (em C) não expõe a exceção do socket: só o texto da mensagem.
    print(type(exc).__name__, "| causa Python:", exc.__cause__)
    #> OperationalError | causa Python: None
    print("Recusada?", "Connection refused" in str(exc))
    #> Recusada? True
