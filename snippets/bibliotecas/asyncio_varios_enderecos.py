import asyncio
import errno


async def main() -> None:
    try:
        # "localhost" resolve para ::1 e 127.0.0.1, e os dois recusam
        _, writer = await asyncio.open_connection("localhost", 8080)
        writer.close()
        await writer.wait_closed()
    except ConnectionRefusedError:
        print("Este ramo NÃO roda.")
    except OSError as exc:
        print(type(exc).__name__, "| errno:", exc.errno)
        #> OSError | errno: None
        print("É ConnectionRefusedError?", isinstance(exc, ConnectionRefusedError))
        #> É ConnectionRefusedError? False
        refused = f"[Errno {errno.ECONNREFUSED}]" in str(exc)
        print("Recusada em algum endereço?", refused)
        #> Recusada em algum endereço? True


asyncio.run(main())
