import traceback

import requests

try:
    requests.get("http://127.0.0.1:8000/api/pedidos", timeout=3)
except requests.exceptions.ConnectionError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
    # `Max retries exceeded` sem nenhuma nova tentativa configurada: o padrão
    # do requests é `Retry(0, read=False)`, uma tentativa só.
    retry = exc.__context__.reason  # MaxRetryError -> NewConnectionError
    print("# causa:", type(retry).__name__, "<-", type(retry.__cause__).__name__)
