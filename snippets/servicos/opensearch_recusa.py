import traceback

from opensearchpy import ConnectionError as OpenSearchConnectionError
from opensearchpy import OpenSearch

client = OpenSearch(
    hosts=[{"host": "127.0.0.1", "port": 9200}], timeout=3, max_retries=0
)
try:
    print(client.info())
except OpenSearchConnectionError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
finally:
    client.close()
