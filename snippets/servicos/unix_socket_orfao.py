import socket
import tempfile
import traceback
from pathlib import Path

with tempfile.TemporaryDirectory() as folder:
    path = str(Path(folder) / "app.sock")
    # Um servidor escutou neste caminho e terminou sem apagar o arquivo.
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen()
    print("O arquivo continua lá:", Path(path).is_socket())

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(3)
        try:
            client.connect(path)
        except ConnectionRefusedError as exc:
            print(*traceback.format_exception_only(exc), sep="", end="")
