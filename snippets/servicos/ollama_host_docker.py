import os
import traceback

import requests

# De dentro de um contêiner, o host é "host.docker.internal". O Ollama escuta
# por padrão em 127.0.0.1:11434 do host, e não aceita conexões que chegam por
# outra interface.
base_url = os.environ.get("OLLAMA_HOST", "http://host.docker.internal:11434")
try:
    response = requests.get(f"{base_url}/api/tags", timeout=3)
    print("HTTP", response.status_code)
except requests.exceptions.ConnectionError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
