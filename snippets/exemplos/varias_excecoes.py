import socket


def conectar(host: str, porta: int) -> None:
    try:
        with socket.create_connection((host, porta), timeout=2):
            print(f"{host}:{porta} -> conectado")
    except ConnectionRefusedError:
        print(f"{host}:{porta} -> conexão recusada (nada escutando na porta)")
        #> 127.0.0.1:8000 -> conexão recusada (nada escutando na porta)
    except socket.gaierror:
        print(f"{host}:{porta} -> nome não resolvido (DNS)")
        #> servidor-inexistente.invalid:80 -> nome não resolvido (DNS)
    except OSError as e:  # depois das mais específicas: ambas são OSError
        print(f"{host}:{porta} -> outro erro de rede: {type(e).__name__}")


conectar("127.0.0.1", 8000)
conectar("servidor-inexistente.invalid", 80)
