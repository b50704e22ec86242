import asyncio


async def main() -> None:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", 8080)
        writer.close()
        await writer.wait_closed()
        print("Conectado.")
    except ConnectionRefusedError:
        print("Um endereço: ConnectionRefusedError, como no socket comum.")
        #> Um endereço: ConnectionRefusedError, como no socket comum.


asyncio.run(main())
