import asyncio
import traceback

import httpx


def chain_of(error: BaseException | None) -> str:
    names = []
    while error is not None:
        names.append(f"{type(error).__name__}({error})")
        error = error.__cause__ or error.__context__
    return "\n#   <- ".join(names)


async def main() -> None:
    async with httpx.AsyncClient(timeout=3) as client:
        try:
            response = await client.get("http://127.0.0.1:8000/")
            print("HTTP", response.status_code)
        except httpx.ConnectError as exc:
            print(*traceback.format_exception_only(exc), sep="", end="")
            print("# cadeia:", chain_of(exc))


asyncio.run(main())
