import requests

print(
    "requests ConnectionError é o ConnectionError embutido?",
    issubclass(requests.exceptions.ConnectionError, ConnectionError),
)
#> requests ConnectionError é o ConnectionError embutido? False
try:
    response = requests.get("http://127.0.0.1:8000/", timeout=2)
    print("HTTP", response.status_code)
except requests.exceptions.ConnectionError as exc:
    chain = []
    error: BaseException | None = exc
    while error is not None:  # desce pela cadeia de causas
        chain.append(type(error).__name__)
        error = error.__cause__ or error.__context__
    print(" <- ".join(chain))
    #> ConnectionError <- MaxRetryError <- NewConnectionError <- ConnectionRefusedError
