import asyncio
import traceback

import asyncpg


async def main() -> None:
    try:
        conn = await asyncpg.connect(
            "postgresql://app:segredo@127.0.0.1:5432/app", timeout=3
        )
    except ConnectionRefusedError as exc:
        print(*traceback.format_exception_only(exc), sep="", end="")
    else:
        await conn.close()


asyncio.run(main())
