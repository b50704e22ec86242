import traceback

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

# Retry(NoBackoff(), 0): uma tentativa só. O padrão do redis-py 8 tenta de
# novo com espera crescente, e a mesma mensagem chega segundos depois.
with redis.Redis(
    host="localhost", port=6379, socket_connect_timeout=3, retry=Retry(NoBackoff(), 0)
) as client:
    try:
        print("PING ->", client.ping())
    except redis.exceptions.ConnectionError as exc:
        print(*traceback.format_exception_only(exc), sep="", end="")
