import traceback

import mysql.connector

# Sem `use_pure`, o mysql-connector usa a extensão em C quando ela carrega e o
# Python puro quando não: a classe e o texto do erro mudam. Capture a base,
# `mysql.connector.Error`, que cobre as duas formas.
try:
    with mysql.connector.connect(
        host="127.0.0.1",
        port=3306,
        user="app",
        password="segredo",
        connection_timeout=3,
    ) as conn:
        print("Conectado ao MySQL", conn.server_info)
except mysql.connector.Error as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
    form = "extensão em C" if mysql.connector.HAVE_CEXT else "Python puro"
    cause = type(exc.__cause__).__name__
    print(f"# {form} | errno: {exc.errno} | causa: {cause}")
