"""The scenario table: how each file of ``snippets/`` is proven.

One row per snippet, grouped by page. A row names, for each documented port,
the situation behind it (``tests/situations.py``). The table
is checked row by row, one test per row (``test_scenario_row_is_sound``): an
unknown situation, a snippet listed twice, a run against a server of another
protocol, or a standard-library network client the table does not know fails
that row's test, and only it.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tests import lab
from tests.paths import OUTPUTS, SNIPPETS
from tests.situations import LATE_START_SECONDS, SITUATIONS

# Timing classes. A refusal on loopback takes well under a millisecond; the
# second of slack covers a machine busy with other work (measured: 0.8 s at a
# load of 10 on 2 cores), and is still half the 2 s timeout the snippets set,
# so a run that waited for its timeout fails. A run with no stated class must
# still end within QUICK, before that timeout.
INSTANT = 1.0
QUICK = 2.0
# localhost as many distributions resolve it: IPv6 first, then IPv4.
LOCALHOST_BOTH = {"localhost": ("::1", "127.0.0.1")}
ONLY_V4 = {"localhost": ("127.0.0.1",)}
# smtplib and Django name this machine in EHLO: its name resolves to loopback.
THIS_MACHINE = {socket.gethostname(): ("127.0.0.1",), **ONLY_V4}
# The libraries mysql-connector-python's wheel ships (OpenSSL 3.2+ among them).
_MYSQL = importlib.util.find_spec("mysql")
MYSQL_VENDOR_LIBS = (
    str(Path(_MYSQL.submodule_search_locations[0]) / "vendor") if _MYSQL else ""
)
# The machine's proxy variables are cleared for every test (the autouse
# fixture clean_environ in conftest.py); this row's proxy is set on purpose.
DEAD_PROXY_ENV = {
    "HTTP_PROXY": "http://127.0.0.1:3128",
    "http_proxy": "http://127.0.0.1:3128",
}

# Recorded messages the diagnosis command reads in its own variants.
MESSAGES = {
    "psycopg2": OUTPUTS / "servicos" / "psycopg2_recusa.mensagem.txt",
    "redis": OUTPUTS / "servicos" / "redis_recusa.mensagem.txt",
}

DB_ON_HOST = {"DB_HOST": "127.0.0.1", "DB_PORT": "{port[5432]}"}
# In the lab, the container's gateway stands for the host (host.docker.internal).
DB_ON_GATEWAY = {"DB_HOST": lab.GATEWAY, "DB_PORT": "5432"}

# The variant that claims "the server is up": it must face a situation that
# speaks the snippet's protocol (other variants may show a server misbehaving).
SERVER_UP = "servidor_ativo"
# Network clients of the standard library: one the table below does not know
# fails its row, so that no client runs unchecked against the wrong server.
STDLIB_CLIENTS = frozenset(
    {
        "ftplib",
        "http.client",
        "imaplib",
        "nntplib",
        "poplib",
        "smtplib",
        "telnetlib",
        "urllib.request",
        "xmlrpc.client",
    }
)
# The protocol a snippet speaks, from what it imports.
PROTOCOLS = {
    "http.client": "http",
    "urllib.request": "http",
    "urllib3": "http",
    "requests": "http",
    "httpx": "http",
    "aiohttp": "http",
    "smtplib": "smtp",
    "ftplib": "ftp",
    "poplib": "pop3",
    "imaplib": "imap",
    "redis": "redis",
    "psycopg": "postgresql",
    "psycopg2": "postgresql",
    "pymysql": "mysql",
    "mysql.connector": "mysql",
    "pymongo": "mongodb",
    "pika": "amqp",
    "kombu": "amqp",
    "kombu.exceptions": "amqp",
    "celery": "amqp",
    "pika.exceptions": "amqp",
    "pymongo.errors": "mongodb",
    "django.core.mail": "smtp",
    "django.db": "postgresql",
    "requests.adapters": "http",
    "urllib.error": "http",
    "selenium": "webdriver",
    "xmlrpc.client": "xmlrpc",
}


@dataclass(frozen=True)
class Run:
    """One execution of a snippet.

    Attributes:
        ports: documented port -> situation name.
        argv: command-line arguments (``sys.argv[1:]``).
        env: environment variables; ``{port[N]}`` becomes the real port behind
            documented port ``N`` (for clients in C, such as libpq, that the
            port mapping cannot reach).
        hosts: names resolved to these loopback addresses, in this order.
        raises: exception type the snippet is documented to end with.
        exit_code: status the program exits with (``sys.exit``).
        platforms: ``sys.platform`` prefixes where this run's behaviour holds.
        max_seconds: upper bound of the documented timing class.
        min_seconds: lower bound (e.g. a timeout that must be waited).
        lab: a network-lab setup (``tests/lab.py``): the file then runs as a
            real program in its own Linux network namespace, at its literal
            addresses, with no port mapping (variants only).
    """

    ports: Mapping[int, str] = field(default_factory=dict)
    argv: Sequence[str] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    hosts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    raises: type[BaseException] | None = None
    exit_code: int = 0
    platforms: tuple[str, ...] | None = None
    max_seconds: float = QUICK
    min_seconds: float = 0.0
    lab: str | None = None


@dataclass(frozen=True)
class Scenario:
    """How one file of ``snippets/`` is proven.

    Attributes:
        snippet: path relative to ``snippets/``.
        main: the run whose output is the ``#>`` comments inside the file;
            ``None`` for a module that is not a program (then ``tested_by``).
        variants: other runs by name; each output is recorded in
            ``snippets/saidas/<snippet>.<name>.txt`` and must differ from the
            main one (the page shows both).
        tested_by: test file (relative to ``tests/``) that exercises a module.
        min_python: oldest Python the snippet runs on (skipped below it).
        leaks: the documented *bad* pattern that leaks a socket: the
            ``ResourceWarning`` is then required.
        platforms: ``sys.platform`` prefixes where the behaviour holds.
    """

    snippet: str
    main: Run | None = field(default_factory=Run)
    variants: Mapping[str, Run] = field(default_factory=dict)
    tested_by: str | None = None
    min_python: tuple[int, int] = (3, 10)
    leaks: bool = False
    platforms: tuple[str, ...] | None = None

    @property
    def path(self) -> Path:
        return SNIPPETS / self.snippet

    def output_path(self, variant: str) -> Path:
        return OUTPUTS / f"{Path(self.snippet).with_suffix('')}.{variant}.txt"

    def runs(self) -> dict[str, Run]:
        main = {"main": self.main} if self.main is not None else {}
        return {**main, **self.variants}


def refused_then_up(snippet: str, port: int, *, up: str = "listening") -> Scenario:
    """The most common proof: refused at once on ``port`` (the ``#>`` output),
    and the same code with a server there (variant ``servidor_ativo``)."""
    return Scenario(
        snippet,
        main=Run(ports={port: "refused"}, max_seconds=INSTANT),
        variants={"servidor_ativo": Run(ports={port: up})},
    )


def http_client(snippet: str) -> Scenario:
    """An HTTP client: refused on port 8000, and the same code with a server."""
    return refused_then_up(snippet, 8000, up="http")


def message(
    snippet: str,
    ports: Mapping[int, str],
    *,
    up: Mapping[int, str] | None = None,
    also: Mapping[str, Run] | None = None,
    **run: object,
) -> Scenario:
    """A real client library against a refused port: the message it prints
    (``[Errno 111]``, so Linux-only) is recorded in the variant ``mensagem``
    and shown on its page and in the message index (``docs/mensagens.md``).
    ``up``: the same code with a server that speaks its protocol; ``also``:
    more variants, as they are."""
    settings = {"max_seconds": QUICK, **run}
    variants = {"mensagem": Run(ports=ports, platforms=("linux",), **settings)}  # type: ignore[arg-type]
    if up is not None:
        same = {k: v for k, v in settings.items() if k != "min_seconds"}
        variants["servidor_ativo"] = Run(ports=up, **same)  # type: ignore[arg-type]
    return Scenario(snippet, main=None, variants={**variants, **(also or {})})


def diagnosis(
    argv: str,
    exit_code: int,
    ports: Mapping[int, str] = {},
    hosts: Mapping[str, tuple[str, ...]] = LOCALHOST_BOTH,
    **run: object,
) -> Run:
    """A run of the diagnosis command: ``python diagnostico.py ARGV``."""
    return Run(  # type: ignore[arg-type]
        argv=argv.split(), exit_code=exit_code, ports=ports, hosts=hosts, **run
    )


SCENARIOS = [
    # documentacao.md, uso.md, exemplos.md
    Scenario("documentacao/hierarquia.py"),
    Scenario(
        "uso/conectar.py",
        main=Run(ports={8080: "refused"}, hosts=ONLY_V4, max_seconds=INSTANT),
        variants={
            "servidor_ativo": Run(ports={8080: "listening"}, hosts=ONLY_V4),
            # The model pattern reaches a server that listens on ::1 only,
            # where a socket of one family (AF_INET) is refused.
            "so_ipv6": Run(ports={8080: "v6_only"}, hosts=LOCALHOST_BOTH),
        },
    ),
    refused_then_up("exemplos/servidor_inativo.py", 9999),
    refused_then_up("exemplos/varias_excecoes.py", 8000),
    # armadilhas/
    refused_then_up("armadilhas/recusa_imediata.py", 8080),
    Scenario("armadilhas/servidor_fechado.py", main=Run(max_seconds=INSTANT)),
    # 127.0.0.2 is loopback where all of 127.0.0.0/8 is (Linux, Windows);
    # macOS/BSD have only 127.0.0.1 on lo0 unless an alias is added. Checked
    # on Linux only: not run on Windows, where a refused connect takes about
    # 2 s, more than this snippet's 1 s timeout.
    Scenario("armadilhas/interface.py", platforms=("linux",)),
    Scenario(
        "armadilhas/localhost_ipv6.py",
        main=Run(ports={8080: "v6_only"}, hosts=LOCALHOST_BOTH),
        variants={
            "so_ipv4": Run(ports={8080: "v4_only"}, hosts=LOCALHOST_BOTH),
            # The same claims with a real dual-stack hosts file, no simulation.
            "lab_servidor_ipv6": Run(lab="dual_localhost_v6_server"),
            "lab_ipv6_desativado": Run(lab="ipv6_disabled_dual_localhost"),
        },
    ),
    Scenario(
        "armadilhas/conteiner.py",
        main=Run(ports={5432: "refused"}, env=DB_ON_HOST),
        variants={
            "no_host": Run(ports={5432: "listening"}, env=DB_ON_HOST),
            # Inside a container, 127.0.0.1 is the container itself, even with
            # the host's service on every address; then the host's service on
            # 127.0.0.1 and on 0.0.0.0, reached through the gateway.
            "lab_localhost_no_conteiner": Run(
                lab="container_host_all",
                env={"DB_HOST": "127.0.0.1", "DB_PORT": "5432"},
            ),
            "lab_host_loopback": Run(lab="container_host_loopback", env=DB_ON_GATEWAY),
            "lab_host_todas_interfaces": Run(
                lab="container_host_all", env=DB_ON_GATEWAY
            ),
        },
    ),
    refused_then_up("armadilhas/connect_ex.py", 8080),
    Scenario(
        "armadilhas/connect_ex_invertido.py",
        main=Run(ports={8080: "refused"}, max_seconds=INSTANT),
    ),
    Scenario(
        "armadilhas/portabilidade.py",
        main=Run(ports={8080: "refused"}, max_seconds=INSTANT),
    ),
    Scenario(
        "armadilhas/udp.py",
        main=Run(ports={9999: "udp_closed"}, max_seconds=INSTANT),
        variants={"servidor_ativo": Run(ports={9999: "udp_echo"})},
        platforms=("linux",),
    ),
    Scenario(
        "armadilhas/socket_vazado.py", main=Run(ports={8080: "refused"}), leaks=True
    ),
    Scenario(
        "testes/test_porta_recusada.py", main=None, tested_by="test_reader_tests.py"
    ),
    # armadilhas/parecidas.md
    Scenario("parecidas/reset.py", main=Run(ports={7000: "reset"})),
    # Windows reports the same write as ConnectionAbortedError/ResetError.
    Scenario("parecidas/broken_pipe.py", platforms=("linux", "darwin")),
    Scenario(
        "parecidas/tempo_esgotado.py",
        main=Run(ports={8080: "backlog_full"}, min_seconds=0.3, max_seconds=1.5),
        variants={"recusada": Run(ports={8080: "refused"}, max_seconds=INSTANT)},
        # A full accept queue drops SYNs on Linux; BSD/macOS may refuse instead.
        platforms=("linux",),
    ),
    Scenario("parecidas/dns.py", main=Run(max_seconds=INSTANT)),
    Scenario("parecidas/endereco_indisponivel.py"),
    Scenario("parecidas/ordem_except.py", main=Run(ports={8080: "refused"})),
    # bibliotecas/
    Scenario(
        "bibliotecas/urllib_recusa.py",
        main=Run(ports={8000: "refused"}, max_seconds=INSTANT),
        variants={
            "servidor_ativo": Run(ports={8000: "http"}),
            # The server is up; the refusal comes from the dead proxy.
            "proxy_morto": Run(
                ports={3128: "refused", 8000: "http"}, env=DEAD_PROXY_ENV
            ),
        },
    ),
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
        variants={
            "ipv6_no_ar": Run(ports={8080: "v6_only"}, hosts=LOCALHOST_BOTH),
            "so_ipv4": Run(ports={8080: "refused"}, hosts=ONLY_V4),
        },
        min_python=(3, 11),
    ),
    # referencia.md and the recipes' usage examples
    Scenario("recipes.py", main=None, tested_by="test_recipes.py"),
    Scenario(
        "receitas/esperar_porta.py",
        main=Run(ports={5432: "late"}, min_seconds=LATE_START_SECONDS),
        variants={"nunca_sobe": Run(ports={5432: "refused"}, min_seconds=0.5)},
    ),
    Scenario(
        "receitas/conectar_com_retentativas.py",
        main=Run(ports={8080: "late"}, min_seconds=LATE_START_SECONDS),
        variants={"nunca_sobe": Run(ports={8080: "refused"})},
    ),
    Scenario(
        "receitas/reconhecer_recusa.py",
        main=Run(ports={8000: "refused"}, max_seconds=INSTANT),
        variants={
            "servidor_ativo": Run(ports={8000: "http"}),
            "proxy_morto": Run(
                ports={3128: "refused", 8000: "http"}, env=DEAD_PROXY_ENV
            ),
        },
    ),
    # diagnostico/comando.md
    Scenario(
        "diagnostico.py",
        main=None,
        tested_by="test_diagnostico.py",
        variants={
            "recusado": diagnosis("localhost 8080", 1, {8080: "refused"}, ONLY_V4),
            "conectado": diagnosis("localhost 8080", 0, {8080: "listening"}, ONLY_V4),
            "parcial": diagnosis("localhost 8080", 3, {8080: "v6_only"}),
            "parcial_json": diagnosis("localhost 8080 --json", 3, {8080: "v6_only"}),
            "tempo_esgotado": diagnosis(
                "127.0.0.1 8080 --timeout 0.2",
                4,
                {8080: "backlog_full"},
                min_seconds=0.2,
                platforms=("linux",),  # a full queue refuses elsewhere
            ),
            "nome_nao_resolvido": diagnosis("servidor.invalid 80", 5),
            "porta_invalida": diagnosis("localhost http", 2),
            # Reading a message (recorded outputs of the site): the address it
            # names is then tested, through the same port mapping.
            "leitura": diagnosis(
                f"--mensagem {MESSAGES['psycopg2']}", 1, {5432: "refused"}
            ),
            "leitura_so_ler": diagnosis(f"--mensagem {MESSAGES['redis']} --so-ler", 0),
            "leitura_json": diagnosis(
                f"--mensagem {MESSAGES['redis']} --so-ler --json", 0
            ),
            "leitura_vazia": diagnosis(
                "--mensagem /dev/null", 2, platforms=("linux", "darwin")
            ),
        },
    ),
    # servicos/ and mensagens.md: real client libraries, verbatim messages
    message("servicos/psycopg2_recusa.py", {5432: "refused_5432"}),
    message(
        "servicos/django_compose.py",
        {5432: "refused_5432"},
        hosts=LOCALHOST_BOTH,
        also={
            # ::1 refused and 127.0.0.1 failing otherwise: what readers see
            # when the server listens on IPv4 only.
            "so_ipv4_outro_erro": Run(
                ports={5432: "v4_closes_5432"},
                hosts=LOCALHOST_BOTH,
                platforms=("linux",),
            )
        },
    ),
    message("servicos/pymysql_recusa.py", {3306: "refused"}),
    message(
        "servicos/mysql_connector_recusa.py",
        {3306: "refused"},
        # The C extension connects in C (no port mapping) and, with the
        # interpreter's older OpenSSL loaded first, does not load in this
        # process: here the pure-Python form. The lab runs the file as a
        # program, the extension loaded with the OpenSSL its wheel ships.
        also={
            "extensao_c": Run(
                lab="nothing_listening_127",
                env={"LD_LIBRARY_PATH": MYSQL_VENDOR_LIBS},
                platforms=("linux",),
            )
        },
    ),
    message("servicos/pymongo_recusa.py", {27017: "refused"}, min_seconds=0.3),
    message("servicos/celery_broker.py", {5672: "refused"}, hosts=ONLY_V4),
    message("servicos/kombu_recusa.py", {5672: "refused"}),
    message("servicos/pika_recusa.py", {5672: "refused"}),
    message(
        "servicos/smtplib_recusa.py",
        {25: "refused"},
        up={25: "smtp"},
        hosts=THIS_MACHINE,
    ),
    message(
        "servicos/django_send_mail.py",
        {25: "refused"},
        up={25: "smtp"},
        hosts=THIS_MACHINE,
    ),
    message(
        "servicos/selenium_apos_quit.py",
        {9515: "refused"},
        also={"sessao_encerrada": Run(ports={9515: "webdriver"})},
    ),
    message("servicos/requests_max_retries.py", {8000: "refused"}),
    Scenario(
        "servicos/requests_retry_adapter.py",
        main=Run(ports={8000: "http_late"}, min_seconds=LATE_START_SECONDS),
        variants={"nunca_sobe": Run(ports={8000: "refused"}, min_seconds=0.6)},
    ),
    message(
        "servicos/urlopen_mensagem.py",
        {8000: "refused"},
        up={8000: "http"},
    ),
    message("servicos/httpx_async.py", {8000: "refused"}),
    message("servicos/aiohttp_mensagem.py", {8000: "refused"}),
    message(
        "servicos/proxy_https.py",
        {3128: "refused"},
        env={"HTTPS_PROXY": "http://127.0.0.1:3128"},
    ),
    message(
        "servicos/ollama_host_docker.py",
        {11434: "refused"},
        up={11434: "http"},
        hosts={"host.docker.internal": ("127.0.0.1",)},
    ),
    message("servicos/redis_recusa.py", {6379: "refused"}, hosts=ONLY_V4),
    Scenario(
        "servicos/servico_no_ci.py",
        main=Run(ports={5432: "refused"}, hosts=ONLY_V4, max_seconds=INSTANT),
        variants={
            "job_em_conteiner": Run(
                ports={5432: "listening"},
                env={"POSTGRES_HOST": "postgres"},
                hosts={"postgres": ("127.0.0.1",)},
            )
        },
    ),
    # Errno 99 with IPv6 disabled: only a real namespace has it.
    Scenario(
        "servicos/errno99_ipv6_desativado.py",
        main=None,
        variants={"lab_ipv6_desativado": Run(lab="ipv6_disabled_dual_localhost")},
    ),
    # A full accept queue drops SYNs on Linux (Windows refuses instead).
    Scenario("servicos/fila_cheia.py", platforms=("linux",)),
    # The long tail: servicos/unix.md, rpc.md, outros-bancos.md, busca.md,
    # nuvem-e-ia.md, kafka-memcached.md, ssh.md (real clients, verbatim).
    message("servicos/unix_socket_orfao.py", {}),
    # docker 7.2.0 leaves its Unix socket unclosed when the connect fails.
    replace(message("servicos/docker_socket_orfao.py", {}), leaks=True),
    message("servicos/xmlrpc_recusa.py", {9001: "refused"}),
    message("servicos/multiprocessing_manager.py", {50000: "refused"}),
    message("servicos/websockets_recusa.py", {8765: "refused"}),
    # grpcio connects from its core in C, past the port mapping.
    message("servicos/grpc_recusa.py", {50051: "refused_50051"}),
    message("servicos/asyncpg_recusa.py", {5432: "refused"}),
    message("servicos/neo4j_recusa.py", {7687: "refused"}),
    message("servicos/cassandra_recusa.py", {9042: "refused"}),
    Scenario(
        "servicos/sqlserver_porta.py",
        main=Run(ports={1433: "refused"}, max_seconds=INSTANT),
        variants={"servidor_ativo": Run(ports={1433: "listening"})},
    ),
    message("servicos/elasticsearch_recusa.py", {9200: "refused"}),
    message("servicos/opensearch_recusa.py", {9200: "refused"}),
    message("servicos/qdrant_recusa.py", {6333: "refused"}),
    message("servicos/boto3_localstack.py", {4566: "refused"}),
    message("servicos/ollama_cliente.py", {11434: "refused"}),
    # api_version_auto_timeout_ms=1000: the producer waits that long.
    message(
        "servicos/kafka_recusa.py", {9092: "refused"}, min_seconds=0.9, max_seconds=2.5
    ),
    message("servicos/pymemcache_recusa.py", {11211: "refused"}),
    message("servicos/paramiko_recusa.py", {22: "refused"}),
    # docs/programas/: clients run as real programs in the network lab, beside
    # the program that reports the refusal (tests/programs.py).
    *(
        Scenario(f"programas/{name}.py", main=None, tested_by="test_programs.py")
        for name in (
            "app_wsgi",
            "cliente_http",
            "cliente_tcp",
            "cliente_unix",
            "psycopg2_conectar",
            "servico_no_boot",
        )
    ),
    # New rows go above this line (the scaffold inserts them here).
]


def imported_modules(path: Path) -> set[str]:
    """Every absolute module ``path`` imports (empty if it cannot be parsed);
    ``from xmlrpc import client`` counts as ``xmlrpc`` and ``xmlrpc.client``.

    Parsed once per version of the file (several checks of each run ask)."""
    try:
        stat = path.stat()
    except OSError:
        return set()  # missing: the completeness test says so
    return set(_imported_modules(path, stat.st_mtime_ns, stat.st_size))


@functools.cache
def _imported_modules(path: Path, mtime_ns: int, size: int) -> frozenset[str]:
    del mtime_ns, size  # the cache key: a rewritten file is parsed again
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return frozenset()  # broken: the lint tests say so
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(names)


def protocols_of(path: Path) -> set[str]:
    """The protocols ``path`` speaks, from its imports (empty: plain sockets)."""
    return {PROTOCOLS[name] for name in imported_modules(path) if name in PROTOCOLS}


def row_line(snippet: str) -> str:
    """``tests/scenarios.py:N``, the line where ``snippet``'s row starts."""
    text = Path(__file__).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if f'"{snippet}"' in line:
            return f"tests/scenarios.py:{number}"
    return "tests/scenarios.py"


def row_problems(scenario: Scenario, scenarios: Sequence[Scenario]) -> list[str]:
    """What is wrong with one row of the table (empty: nothing).

    Checked by one test per row (``test_scenario_row_is_sound``), never at
    import: a bad row fails its own test, not the collection of the suite.
    """
    problems = []
    if sum(other.snippet == scenario.snippet for other in scenarios) > 1:
        problems.append("dois cenários para o mesmo trecho: deixe um só")
    modules = imported_modules(scenario.path)
    unknown = sorted(
        name for name in modules if name in STDLIB_CLIENTS and name not in PROTOCOLS
    )
    for name in unknown:
        problems.append(
            f"o trecho importa {name}, um cliente de rede da biblioteca padrão "
            "que a tabela não conhece: add it to PROTOCOLS (acrescente-o ao "
            "dicionário PROTOCOLS de tests/scenarios.py, com o protocolo que ele "
            "fala) e use uma situação que fale esse protocolo"
        )
    protocols = protocols_of(scenario.path)
    spoken = " ou ".join(sorted(protocols))
    if scenario.main is not None and scenario.main.lab:
        problems.append("uma execução no laboratório só pode ser uma variante")
    for name, run in scenario.runs().items():
        if run.lab and (run.ports or run.hosts or run.lab not in lab.SETUPS):
            problems.append(
                f"({name}) a montagem {run.lab!r} precisa ser conhecida "
                f"({', '.join(lab.SETUPS)}) e não leva ports nem hosts"
            )
        for port, situation in run.ports.items():
            if situation not in SITUATIONS:
                problems.append(
                    f"({name}) situação desconhecida {situation!r} na porta "
                    f"{port}; as conhecidas: {', '.join(SITUATIONS)}"
                )
                continue
            speaks = SITUATIONS[situation].speaks
            if protocols and speaks is not None and speaks not in protocols:
                problems.append(
                    f"({name}) o trecho fala {spoken}, mas a porta {port} está "
                    f"em {situation!r}, que fala {speaks}: a saída gravada não "
                    f"seria a de um servidor {spoken} de verdade. Use uma "
                    f"situação que fale {spoken} (veja 'Adicionar uma situação' "
                    "no CONTRIBUTING.md)"
                )
            elif protocols and speaks is None and name == SERVER_UP:
                problems.append(
                    f"({name}) a variante {SERVER_UP!r} afirma um servidor no "
                    f"ar, e o trecho fala {spoken}, mas na porta {port} "
                    f"({situation!r}) nada responde. Use uma situação que fale "
                    f"{spoken} (veja 'Adicionar uma situação' no "
                    "CONTRIBUTING.md) ou dê à variante um nome que diga o que "
                    "ela mostra"
                )
    return problems


BY_SNIPPET: dict[str, Scenario] = {s.snippet: s for s in SCENARIOS}
