import asyncio

import aiohttp


async def main() -> None:
    timeout = aiohttp.ClientTimeout(total=2)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        try:
            async with session.get("http://127.0.0.1:8000/") as response:
                print("HTTP", response.status)
        except aiohttp.ClientConnectorError as exc:
            print(type(exc).__name__, "-> os_error:", type(exc.os_error).__name__)
            #> ClientConnectorError -> os_error: ConnectionRefusedError


asyncio.run(main())
