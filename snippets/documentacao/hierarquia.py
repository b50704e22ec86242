import errno
import socket

print(" > ".join(cls.__name__ for cls in ConnectionRefusedError.__mro__))
'''
ConnectionRefusedError > ConnectionError > OSError > Exception > BaseException > object
'''

for excecao in (
    ConnectionRefusedError,
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    TimeoutError,
    socket.gaierror,
):
    print(excecao.__name__, issubclass(excecao, ConnectionError))
    #> ConnectionRefusedError True
    #> ConnectionResetError True
    #> ConnectionAbortedError True
    #> BrokenPipeError True
    #> TimeoutError False
    #> gaierror False

# O OSError escolhe a subclasse pelo errno: ECONNREFUSED vira ConnectionRefusedError
erro = OSError(errno.ECONNREFUSED, "Connection refused")
print(type(erro).__name__, erro.errno == errno.ECONNREFUSED)
#> ConnectionRefusedError True
