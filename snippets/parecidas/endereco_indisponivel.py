import errno
import socket

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    try:
        # 192.0.2.1 é um endereço de documentação: não pertence a esta máquina.
        s.bind(("192.0.2.1", 0))
    except OSError as exc:
        print(type(exc).__name__, "EADDRNOTAVAIL?", exc.errno == errno.EADDRNOTAVAIL)
        #> OSError EADDRNOTAVAIL? True
        print("É ConnectionError?", isinstance(exc, ConnectionError))
        #> É ConnectionError? False
