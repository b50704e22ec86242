import socket
import tempfile
import traceback
from pathlib import Path

import docker

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "docker.sock"
    # O daemon do Docker parou e deixou o arquivo do socket para trás.
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen()

    try:
        with docker.DockerClient(base_url=f"unix://{path}", timeout=3) as client:
            print(client.version()["Version"])
    except docker.errors.DockerException as exc:
        print(*traceback.format_exception_only(exc), sep="", end="")
