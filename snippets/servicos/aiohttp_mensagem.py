import asyncio
import traceback

import aiohttp


async def fetch(session: aiohttp.ClientSession, url: str) -> None:
    try:
        async with session.get(url) as response:
            print("HTTP", response.status)
    except aiohttp.ClientConnectorDNSError as exc:  # antes: é uma subclasse
        print(*traceback.format_exception_only(exc), sep="", end="")
    except aiohttp.ClientConnectorError as exc:
        print(*traceback.format_exception_only(exc), sep="", end="")
        print("# host/port/ssl:", exc.host, exc.port, exc.ssl)
        print("# os_error:", repr(exc.os_error))


async def main() -> None:
    timeout = aiohttp.ClientTimeout(total=3)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await fetch(session, "http://127.0.0.1:8000/")
        await fetch(session, "http://api.invalid:8000/")  # nome que não resolve


asyncio.run(main())
