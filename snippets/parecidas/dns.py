import socket

try:
    with socket.create_connection(("banco-de-dados.invalid", 5432), timeout=2):
        print("Conectado.")
except socket.gaierror as exc:
    print(f"{type(exc).__name__}: o nome não foi resolvido; nada foi enviado.")
    #> gaierror: o nome não foi resolvido; nada foi enviado.
    print("É ConnectionError?", isinstance(exc, ConnectionError))
    #> É ConnectionError? False
