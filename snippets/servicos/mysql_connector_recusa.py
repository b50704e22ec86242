import traceback

import mysql.connector

try:
    with mysql.connector.connect(
        host="127.0.0.1",
        port=3306,
        user="app",
        password="segredo",
        connection_timeout=3,
        use_pure=True,  # a extensão em C dá a mesma mensagem
    ) as conn:
        print("Conectado ao MySQL", conn.server_info)
except mysql.connector.errors.InterfaceError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
    print("errno:", exc.errno, "| causa:", type(exc.__cause__).__name__)
