import traceback

from kombu import Connection
from kombu.exceptions import OperationalError

with Connection("amqp://guest:guest@127.0.0.1:5672//", connect_timeout=3) as conn:
    try:
        # max_retries=0: desiste na primeira falha. O padrão (`None`) tenta
        # para sempre, e o programa parece travado.
        conn.ensure_connection(max_retries=0)
        print("Conectado ao RabbitMQ")
    except OperationalError as exc:
        print(*traceback.format_exception_only(exc), sep="", end="")
