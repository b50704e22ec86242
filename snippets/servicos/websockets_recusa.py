import asyncio
import traceback

from websockets.asyncio.client import connect


async def main() -> None:
    try:
        async with connect("ws://127.0.0.1:8765/", open_timeout=3) as websocket:
            await websocket.send("olá")
    except ConnectionRefusedError as exc:
        print(*traceback.format_exception_only(exc), sep="", end="")


asyncio.run(main())
