import traceback

import ollama

client = ollama.Client(host="http://127.0.0.1:11434", timeout=3)
try:
    print(client.list())
except ConnectionError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
