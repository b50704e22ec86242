import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

client = redis.Redis(
    host="127.0.0.1",
    port=6379,
    socket_connect_timeout=2,
    retry=Retry(NoBackoff(), 0),  # sem isso, o redis-py tenta de novo por padrão
)
try:
    print("PING ->", client.ping())
except redis.exceptions.ConnectionError as exc:
    builtin = isinstance(exc, ConnectionError)
    print(type(exc).__name__, "é o ConnectionError embutido?", builtin)
    #> ConnectionError é o ConnectionError embutido? False
    # a exceção original fica em __context__ (levantada durante o tratamento)
    print("Contexto:", type(exc.__context__).__name__)
    #> Contexto: ConnectionRefusedError
finally:
    client.close()
