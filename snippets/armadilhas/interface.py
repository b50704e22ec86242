import socket


def outcome(host: str, port: int) -> str:
    try:
        with socket.create_connection((host, port), timeout=1):
            return "conecta"
    except ConnectionRefusedError:
        return "recusada"


for bind_address in ("127.0.0.1", "0.0.0.0"):
    with socket.create_server((bind_address, 0)) as server:
        port = server.getsockname()[1]
        # 127.0.0.2 é outro endereço desta mesma máquina (Linux)
        local, other = outcome("127.0.0.1", port), outcome("127.0.0.2", port)
        print(f"servidor em {bind_address}: 127.0.0.1 {local}, 127.0.0.2 {other}")
        #> servidor em 127.0.0.1: 127.0.0.1 conecta, 127.0.0.2 recusada
        #> servidor em 0.0.0.0: 127.0.0.1 conecta, 127.0.0.2 conecta
