import socket


def connect(host: str, port: int) -> None:
    try:
        with socket.create_connection((host, port), timeout=2):
            print(f"{host}:{port} -> conectado")
    except ConnectionRefusedError:
        print(f"{host}:{port} -> conexão recusada (nada escutando na porta)")
        #> 127.0.0.1:8000 -> conexão recusada (nada escutando na porta)
    except socket.gaierror:
        print(f"{host}:{port} -> nome não resolvido (DNS)")
        #> servidor-inexistente.invalid:80 -> nome não resolvido (DNS)
    except OSError as e:  # depois das mais específicas: ambas são OSError
        print(f"{host}:{port} -> outro erro de rede: {type(e).__name__}")


connect("127.0.0.1", 8000)
connect("servidor-inexistente.invalid", 80)
