import traceback

import pymysql

try:
    with pymysql.connect(
        host="127.0.0.1", port=3306, user="app", password="segredo", connect_timeout=3
    ) as conn:
        print("Conectado ao MySQL", conn.get_server_info())
except pymysql.err.OperationalError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
    print("# código do MySQL:", exc.args[0])
