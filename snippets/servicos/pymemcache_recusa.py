import traceback

from pymemcache.client.base import Client

client = Client(("127.0.0.1", 11211), connect_timeout=3, timeout=3)
try:
    print(client.get("sessao:42"))
except ConnectionRefusedError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
finally:
    client.close()
