import errno
import socket

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.settimeout(2)
    code = s.connect_ex(("127.0.0.1", 8080))  # devolve o errno; não levanta
    if code == 0:
        print("Porta aberta.")
    elif code == errno.ECONNREFUSED:
        print("Recusada (ECONNREFUSED).")
        #> Recusada (ECONNREFUSED).
    else:
        print("Outro erro:", errno.errorcode.get(code, code))
