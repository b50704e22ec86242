import httpx

try:
    response = httpx.get("http://127.0.0.1:8000/", timeout=2)
    print("HTTP", response.status_code)
except httpx.ConnectError as exc:
    chain = []
    error: BaseException | None = exc
    while error is not None:  # httpx -> httpcore -> exceção embutida
        chain.append(type(error).__name__)
        error = error.__cause__ or error.__context__
    print(" <- ".join(chain))
    #> ConnectError <- ConnectError <- ConnectionRefusedError
