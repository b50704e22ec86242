import socket
import tempfile
import traceback
from pathlib import Path

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "app.sock"
    # Um servidor escutou neste caminho e terminou sem apagar o arquivo.
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen()
    assert path.is_socket()  # o arquivo continua no disco

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(3)
        try:
            client.connect(str(path))
        except ConnectionRefusedError as exc:
            print(*traceback.format_exception_only(exc), sep="", end="")

    path.unlink()  # sem o arquivo, o erro é outro
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(3)
        try:
            client.connect(str(path))
        except FileNotFoundError as exc:
            print("# Sem o arquivo:", type(exc).__name__)
