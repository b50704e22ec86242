import traceback

import pika
from pika.exceptions import AMQPConnectionError

parameters = pika.ConnectionParameters(
    "127.0.0.1", 5672, connection_attempts=1, socket_timeout=3
)
try:
    with pika.BlockingConnection(parameters) as connection:
        print("Conectado ao RabbitMQ", connection.is_open)
except AMQPConnectionError as exc:
    # str(exc) é vazio: o traceback mostra só o nome da classe...
    print(*traceback.format_exception_only(exc), sep="", end="")
    # ...e a causa está no primeiro argumento.
    print("# args[0]:", repr(exc.args[0]))
