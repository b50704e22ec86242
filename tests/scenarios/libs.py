"""Scenarios for the libraries and asyncio pages."""

from tests.scenarios import (
    INSTANT,
    LOCALHOST_BOTH,
    NO_PROXY_ENV,
    Run,
    Scenario,
    refused_then_up,
)

DEAD_PROXY_ENV = {
    **NO_PROXY_ENV,
    "HTTP_PROXY": "http://127.0.0.1:3128",
    "http_proxy": "http://127.0.0.1:3128",
}


def http_client(snippet: str) -> Scenario:
    """An HTTP client: refused on port 8000, and the same code with a server."""
    return refused_then_up(snippet, 8000, up="http", env=NO_PROXY_ENV)


SCENARIOS = [
    http_client("bibliotecas/urllib_recusa.py"),
    http_client("bibliotecas/http_client_recusa.py"),
    http_client("bibliotecas/requests_recusa.py"),
    http_client("bibliotecas/urllib3_recusa.py"),
    http_client("bibliotecas/httpx_recusa.py"),
    http_client("bibliotecas/aiohttp_recusa.py"),
    Scenario(
        "bibliotecas/redis_recusa.py",
        main=Run(ports={6379: "refused"}, max_seconds=INSTANT),
    ),
    Scenario(
        "bibliotecas/psycopg_recusa.py",
        # libpq connects from C, past the socket patch: the port goes in the DSN.
        main=Run(
            ports={5432: "refused"},
            env={"DATABASE_URL": "postgresql://app@127.0.0.1:{port[5432]}/app"},
            max_seconds=INSTANT,
        ),
    ),
    Scenario(
        "bibliotecas/proxy_morto.py",
        main=Run(ports={3128: "refused", 8000: "http"}, env=DEAD_PROXY_ENV),
    ),
    refused_then_up("bibliotecas/asyncio_um_endereco.py", 8080),
    Scenario(
        "bibliotecas/asyncio_varios_enderecos.py",
        main=Run(ports={8080: "refused_both"}, hosts=LOCALHOST_BOTH),
        # The combined message quotes each error as "[Errno N]" on POSIX;
        # Windows' proactor loop words it differently.
        platforms=("linux", "darwin"),
    ),
    Scenario(
        "bibliotecas/create_connection_all_errors.py",
        main=Run(ports={8080: "refused_both"}, hosts=LOCALHOST_BOTH),
        variants={"ipv6_no_ar": Run(ports={8080: "v6_only"}, hosts=LOCALHOST_BOTH)},
        min_python=(3, 11),
    ),
]
