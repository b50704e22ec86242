import errno
import socket

print(" > ".join(cls.__name__ for cls in ConnectionRefusedError.__mro__[:3]))
#> ConnectionRefusedError > ConnectionError > OSError

for exc_type in (
    ConnectionRefusedError,
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    TimeoutError,
    socket.gaierror,
):
    print(exc_type.__name__, issubclass(exc_type, ConnectionError))
    #> ConnectionRefusedError True
    #> ConnectionResetError True
    #> ConnectionAbortedError True
    #> BrokenPipeError True
    #> TimeoutError False
    #> gaierror False

# O errno decide a subclasse: ECONNREFUSED vira ConnectionRefusedError
error = OSError(errno.ECONNREFUSED, "Connection refused")
print(type(error).__name__, error.errno == errno.ECONNREFUSED)
#> ConnectionRefusedError True
