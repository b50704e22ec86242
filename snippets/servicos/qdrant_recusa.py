import traceback

from qdrant_client import QdrantClient
from qdrant_client.http.exceptions import ResponseHandlingException

# check_compatibility=False: sem a consulta da versão do servidor, que o
# cliente faz numa thread à parte ao ser criado.
client = QdrantClient(url="http://127.0.0.1:6333", timeout=3, check_compatibility=False)
try:
    print(client.get_collections())
except ResponseHandlingException as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
finally:
    client.close()
