import traceback

from elasticsearch import ConnectionError as ElasticConnectionError
from elasticsearch import Elasticsearch

# max_retries=0: sem novas tentativas, a mensagem chega de imediato.
with Elasticsearch("http://127.0.0.1:9200", request_timeout=3, max_retries=0) as es:
    try:
        print(es.info())
    except ElasticConnectionError as exc:
        print(*traceback.format_exception_only(exc), sep="", end="")
        # O texto diz pouco; o motivo está na causa (do urllib3).
        print(*traceback.format_exception_only(exc.__cause__), sep="", end="")
