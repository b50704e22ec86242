import os
import traceback

import requests

# De dentro de um contêiner, o host é "host.docker.internal". O Ollama escuta
# por padrão em 127.0.0.1:11434 do host, e não aceita conexões que chegam por
# outra interface.
# OLLAMA_BASE_URL, e não OLLAMA_HOST: essa é a do servidor ("0.0.0.0:11434",
# sem http://) e não serve como URL.
base_url = os.environ.get("OLLAMA_BASE_URL", "http://host.docker.internal:11434")
try:
    response = requests.get(f"{base_url}/api/tags", timeout=3)
    print("HTTP", response.status_code)
except requests.exceptions.ConnectionError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
