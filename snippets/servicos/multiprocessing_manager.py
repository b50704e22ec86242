import traceback
from multiprocessing.managers import BaseManager


class QueueManager(BaseManager):
    pass


QueueManager.register("get_queue")

# `connect()` não aceita tempo-limite: só vale porque a recusa é imediata.
manager = QueueManager(address=("127.0.0.1", 50000), authkey=b"segredo")
try:
    manager.connect()
    print("Conectado ao gerenciador")
except ConnectionRefusedError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
