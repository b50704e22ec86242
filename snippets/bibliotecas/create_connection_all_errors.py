import socket

# Python 3.11+: all_errors=True levanta um ExceptionGroup com o erro de cada
# endereço, em vez de só o último.
try:
    with socket.create_connection(("localhost", 8080), timeout=2, all_errors=True):
        message = "Conectado."
except* ConnectionRefusedError as group:
    message = f"Recusada em {len(group.exceptions)} endereço(s)."
except* TimeoutError:
    message = "Algum endereço esgotou o tempo."
print(message)
#> Recusada em 2 endereço(s).
