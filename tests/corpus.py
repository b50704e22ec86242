"""The message reader's corpus: what the page and ``--mensagem`` must read right.

Three sources:

- every recorded output of the site (the ``#>`` comments of each snippet and
  ``snippets/saidas/``), with its expectation derived from the scenario table
  (the situation behind each documented port) and from the command's lab runs:
  a new scenario adds entries here without a new file;
- the lab transcripts of the other programs (``docs/programas/``), read as a
  reader would paste them, with what each says in ``PROGRAM_READINGS``;
- real messages in ``tests/data/``: ``capturadas.json``, written by
  ``scripts/capture_messages.py`` from real clients against a refused
  loopback port, and ``citadas.json``, quoted from public threads, each with
  its link.

Each entry states the expected kind, who refused, host, port (or socket path)
and the page that answers (its path on the site, without the anchor).
Nothing here touches the network: hosts such as ``db`` are only read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from tests import lab, programs
from tests.scenarios import OUTPUTS, SCENARIOS, Run, Scenario
from tests.site import DOCS, includes
from tests.test_diagnostico import LAB_OUTPUTS, LAB_RUNS

DATA = Path(__file__).resolve().parent / "data"

# The expected answer for each kind of failure: the pages that hold its fix.
KIND_PAGES = {
    "recusada": "armadilhas/nada-escutando/",
    "tempo-esgotado": "armadilhas/parecidas/",
    "sem-rota": "armadilhas/parecidas/",
    "rede-inalcancavel": "armadilhas/parecidas/",
    "nome-nao-resolvido": "armadilhas/parecidas/",
    "endereco-indisponivel": "servicos/servidor/",
    "conexao-derrubada": "armadilhas/parecidas/",
    None: "diagnostico/",  # unplaced: the generic path
}
PROXY_PAGE = "servicos/http/"

# What the text of a run says, by the situation behind its failing port.
SITUATION_KIND = {
    "refused": "recusada",
    "refused_both": "recusada",
    "refused_5432": "recusada",
    "udp_closed": "recusada",
    "webdriver": "recusada",  # the driver stops listening after quit()
    "v6_only": "recusada",  # one family refuses
    "v4_only": "recusada",
    "backlog_full": "tempo-esgotado",
    "reset": "conexao-derrubada",
    "refused_50051": "recusada",  # grpcio's core connects past the port mapping
    "v4_closes_5432": "recusada",  # ::1 refuses, 127.0.0.1 closes: libpq lists both
}
# The diagnosis command's overall results, as the reader names them.
RESULT_KIND = {
    "recusado": "recusada",
    "parcial": "recusada",
    "recusado e sem resposta": "recusada",
    "sem resposta": "tempo-esgotado",
    "host inalcançável": "sem-rota",
    "rede inalcançável": "rede-inalcancavel",
    "endereço indisponível": "endereco-indisponivel",
    "nome não resolvido": "nome-nao-resolvido",
}
PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy")

# Recorded outputs whose text does not carry what the scenario knows (the
# snippet prints its own words, or runs no failing port): the reading the
# text supports, and why. A new scenario whose text the derivation misreads
# fails the corpus test until it is read right or listed here.
OVERRIDES: dict[str, dict[str, object]] = {
    # The snippet's own words name no failure.
    "receitas/conectar_com_retentativas.py:nunca_sobe": {"tipo": None},
    "uso/conectar.py:so_ipv6": {"tipo": None},  # IPv6 connected: "Conectado."
    "armadilhas/localhost_ipv6.py:so_ipv4": {"tipo": None},
    # Self-contained snippets (no documented port): what each prints.
    "documentacao/hierarquia.py:main": {"tipo": "recusada"},
    "armadilhas/servidor_fechado.py:main": {"tipo": "recusada"},
    "armadilhas/interface.py:main": {"tipo": "recusada"},
    "parecidas/broken_pipe.py:main": {"tipo": None},
    "parecidas/dns.py:main": {"tipo": "nome-nao-resolvido"},
    "parecidas/endereco_indisponivel.py:main": {"tipo": "endereco-indisponivel"},
    "servicos/fila_cheia.py:main": {"tipo": "tempo-esgotado"},
    "exemplos/varias_excecoes.py:servidor_ativo": {"tipo": "nome-nao-resolvido"},
    # Lab variants: the setup, not a port table, decides.
    "armadilhas/localhost_ipv6.py:lab_servidor_ipv6": {"tipo": "recusada"},
    "armadilhas/localhost_ipv6.py:lab_ipv6_desativado": {"tipo": None},
    "armadilhas/conteiner.py:lab_localhost_no_conteiner": {"tipo": "recusada"},
    "armadilhas/conteiner.py:lab_host_loopback": {"tipo": "recusada"},
    "armadilhas/conteiner.py:lab_host_todas_interfaces": {"tipo": None},
    "armadilhas/connect_ex_invertido.py:main": {"tipo": None},  # "porta aberta"
    "bibliotecas/create_connection_all_errors.py:ipv6_no_ar": {"tipo": None},
    # The text names its library: its section answers.
    "bibliotecas/http_client_recusa.py:main": {"pagina": "bibliotecas/http/"},
    "bibliotecas/requests_recusa.py:main": {"pagina": "servicos/http/"},
    "bibliotecas/urllib3_recusa.py:main": {"pagina": "servicos/http/"},
    "bibliotecas/aiohttp_recusa.py:main": {"pagina": "servicos/http/"},
    # PyMySQL names the host alone: on '127.0.0.1'.
    "servicos/pymysql_recusa.py:mensagem": {"host": "127.0.0.1"},
    # The message names no library: only the generic path can be given.
    "servicos/smtplib_recusa.py:mensagem": {"pagina": KIND_PAGES["recusada"]},
    "servicos/django_send_mail.py:mensagem": {"pagina": KIND_PAGES["recusada"]},
    "servicos/xmlrpc_recusa.py:mensagem": {"pagina": KIND_PAGES["recusada"]},
    "servicos/multiprocessing_manager.py:mensagem": {"pagina": KIND_PAGES["recusada"]},
    "servicos/pymemcache_recusa.py:mensagem": {"pagina": KIND_PAGES["recusada"]},
    # asyncio's own "Connect call failed": the library is not in the text.
    "servicos/websockets_recusa.py:mensagem": {"pagina": KIND_PAGES["recusada"]},
    "servicos/asyncpg_recusa.py:mensagem": {"pagina": KIND_PAGES["recusada"]},
    # AF_UNIX refusals have no port in the scenario table, yet they are
    # refusals (ECONNREFUSED on a socket file nobody accepts on). Python's
    # error names no path, so the bare one gets the generic path; the Docker
    # SDK names itself, so its section answers.
    "servicos/unix_socket_orfao.py:mensagem": {"tipo": "recusada"},
    "servicos/docker_socket_orfao.py:mensagem": {
        "tipo": "recusada",
        "pagina": "servicos/unix/",
    },
    # A live driver answers that the session is gone: no connection failed.
    "servicos/selenium_apos_quit.py:sessao_encerrada": {"tipo": None},
    # Lab runs have no port table; the text names the address that refused.
    "servicos/mysql_connector_recusa.py:extensao_c": {
        "host": "127.0.0.1",
        "porta": 3306,
    },
    # libpq names itself: the PostgreSQL page answers the ::1 refusal.
    "servicos/django_compose.py:so_ipv4_outro_erro": {"pagina": "servicos/postgresql/"},
    # Three clients in one output; the first, requests, reports the refusal of
    # localhost:8081 (its fallback to 127.0.0.1), the other two errno 99.
    "servicos/errno99_ipv6_desativado.py:lab_ipv6_desativado": {
        "tipo": "recusada",
        "host": "localhost",
        "porta": 8081,
        "pagina": PROXY_PAGE,
    },
}


@dataclass(frozen=True)
class Entry:
    id: str
    text: str
    tipo: str | None
    quem: str
    host: str | None
    porta: int | None
    pagina: str
    caminho: str | None = None
    fonte: str = ""
    ferramenta: str = "site"
    versao: str = ""


# What each lab transcript of docs/programas/ tells a reader who pastes the
# programs' output (the "$ " lines are the commands the reader typed, not a
# message), read from its setup in tests/lab.py. Where the text names the
# program (who refused is not this program), the page that shows the
# transcript answers; else the kind's page. A transcript missing here leaves
# its recorded output out of the corpus, and the corpus test says which.
UPSTREAM_8000 = {"tipo": "recusada", "quem": "upstream", "porta": 8000}
NOTHING_FAILED: dict[str, object] = {"tipo": None}
PROGRAM_READINGS: dict[str, dict[str, object]] = {
    "nginx_upstream_refused": {**UPSTREAM_8000, "host": "127.0.0.1"},
    "nginx_upstream_up": NOTHING_FAILED,
    "nginx_app_in_container_on_loopback": {**UPSTREAM_8000, "host": "198.51.100.2"},
    "nginx_gunicorn_socket_stale": {
        "tipo": "recusada",
        "quem": "upstream",
        "caminho": "/run/gunicorn.sock",
    },
    # ENOENT on the socket file: no refusal, but nginx names its upstream.
    "nginx_gunicorn_socket_missing": {
        "quem": "upstream",
        "caminho": "/run/gunicorn.sock",
    },
    "caddy_upstream_refused": {**UPSTREAM_8000, "host": "127.0.0.1"},
    "apache_backend_refused": {**UPSTREAM_8000, "host": "127.0.0.1"},
    # HAProxy's log names neither the backend's address nor its port.
    "haproxy_backend_refused": {"tipo": "recusada", "quem": "upstream"},
    # PgBouncer says its server connect "failed" and the client timed out in
    # the queue: no word of a refusal reaches the text.
    "pgbouncer_server_refused": {"host": "127.0.0.1", "porta": 6432},
    "ssh_tunnel_remote_port_closed": {
        "tipo": "recusada",
        "quem": "tunel-ssh",
        "host": "127.0.0.1",
        "porta": 5432,
    },
    "ssh_tunnel_remote_port_open": NOTHING_FAILED,
    "ssh_server_refused": {
        "tipo": "recusada",
        "host": "203.0.113.10",
        "porta": 22,
        "pagina": "programas/tunel-ssh/",
    },
    # socat stands in for kubectl in the lab: its log names no kubectl.
    "port_forward_pod_port_closed": {
        "tipo": "recusada",
        "host": "127.0.0.1",
        "porta": 8080,
    },
    "port_forward_pod_port_open": NOTHING_FAILED,
    "vite_proxy_ipv6_refused": {
        "tipo": "recusada",
        "quem": "servidor-dev-node",
        "host": "::1",
        "porta": 8000,
    },
    "vite_proxy_api_down": {"tipo": "recusada", "quem": "servidor-dev-node"},
    "vite_proxy_fixed": NOTHING_FAILED,
    "vite_proxy_node20_tries_both": NOTHING_FAILED,
    "supervisorctl_refused_connection": {
        "tipo": "recusada",
        "quem": "socket-unix",
        "caminho": "/var/run/supervisor.sock",
    },
    # ENOENT: the socket file is missing; supervisorctl still names it.
    "supervisorctl_no_such_file": {
        "quem": "socket-unix",
        "caminho": "/var/run/supervisor.sock",
    },
    "supervisorctl_running": NOTHING_FAILED,
    # The service's own words: the refusal, with no address in the text.
    "boot_before_database": {"tipo": "recusada"},
    # Docker's proxy is socat in the lab; curl names the published address.
    "docker_published_app_on_loopback": {
        "tipo": "recusada",
        "host": "198.51.100.1",
        "porta": 8000,
    },
    "docker_published_app_on_all": NOTHING_FAILED,
}


def printed_comments(path: Path) -> str:
    """The ``#>`` output recorded inside a snippet."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(
        line.strip()[2:].strip() for line in lines if line.strip().startswith("#>")
    )


def showing_page(output: Path) -> str | None:
    """The page (not the message index) that shows a recorded output."""
    relative = output.relative_to(OUTPUTS.parent).as_posix()
    for page in sorted(DOCS.rglob("*.md")):
        if page.name == "mensagens.md":
            continue
        if any(inc.path == relative for inc in includes(page)):
            parts = list(page.relative_to(DOCS).with_suffix("").parts)
            if parts[-1] == "index":
                parts.pop()
            return "".join(f"{part}/" for part in parts)
    return None


def _failing_port(run: Run) -> tuple[int | None, str | None]:
    """The port that fails and how; else the only documented port."""
    for port, situation in run.ports.items():
        if situation in SITUATION_KIND:
            return port, SITUATION_KIND[situation]
    if len(run.ports) == 1:
        return next(iter(run.ports)), None
    return None, None


def _diagnosis(run: Run) -> tuple[str | None, int | None, str | None] | None:
    """Kind, port and host a run of the diagnosis command reports."""
    import diagnostico

    result = next(k for k, v in diagnostico.EXIT_CODES.items() if v == run.exit_code)
    if result not in diagnostico.HINTS:  # not a diagnosis: a usage error...
        return None, None, None
    host, port = run.argv[0], int(run.argv[1])
    return RESULT_KIND.get(result), port, host


def _host_candidates(run: Run) -> list[str]:
    names = ["127.0.0.1", "localhost", "::1", lab.DB, lab.GATEWAY, *run.hosts]
    names += [v for k, v in run.env.items() if k.endswith("HOST")]
    return names


def _first_host(text: str, candidates: list[str]) -> str | None:
    found = [(text.find(c), c) for c in candidates if c and c in text]
    return min(found)[1] if found else None


def expected_for_run(scenario: Scenario, name: str, run: Run, text: str) -> Entry:
    if "--mensagem" in run.argv:
        return _reading_of(scenario, name, run, text)
    port, kind = _failing_port(run)
    candidates = _host_candidates(run)
    if scenario.snippet == "diagnostico.py":
        kind, port, host = _diagnosis(run)
        candidates = [host] if host else []
    who = "programa"
    proxy = next((run.env[v] for v in PROXY_VARIABLES if run.env.get(v)), None)
    if proxy and kind:
        proxy_port = int(proxy.rsplit(":", 1)[1])
        if run.ports.get(proxy_port) in SITUATION_KIND:
            who, port = "proxy", proxy_port
    shown = port is not None and re.search(rf"(?<!\d){port}(?!\d)", text)
    shown_port = port if shown else None
    page = KIND_PAGES[kind] if who == "programa" else PROXY_PAGE
    output = scenario.output_path(name)
    if name == "mensagem" and who == "programa" and scenario.tested_by is None:
        page = showing_page(output) or page
    fields: dict[str, object] = {
        "tipo": kind,
        "quem": who,
        "host": _first_host(text, candidates) if shown_port else None,
        "porta": shown_port,
        "pagina": page,
    }
    key = f"{scenario.snippet}:{name}"
    override = OVERRIDES.get(key, {})
    if "tipo" in override:
        fields["pagina"] = KIND_PAGES[override["tipo"]]  # type: ignore[index]
    fields.update(override)
    source = key if name == "main" else str(output.relative_to(OUTPUTS.parent))
    return Entry(id=f"site:{key}", text=text, fonte=source, **fields)  # type: ignore[arg-type]


def _reading_of(scenario: Scenario, name: str, run: Run, text: str) -> Entry:
    """The command reading a recorded message: what that message's entry says."""
    path = Path(run.argv[run.argv.index("--mensagem") + 1])
    key = f"{scenario.snippet}:{name}"
    for source in SCENARIOS:
        for other, source_run in source.variants.items():
            if source.output_path(other) == path:
                read = path.read_text(encoding="utf-8")
                entry = expected_for_run(source, other, source_run, read)
                return Entry(
                    id=f"site:{key}",
                    text=text,
                    tipo=entry.tipo,
                    quem=entry.quem,
                    host=entry.host,
                    porta=entry.porta,
                    pagina=entry.pagina,
                    fonte=str(scenario.output_path(name).relative_to(OUTPUTS.parent)),
                )
    # Not a recorded message (an empty file): the generic path.
    return Entry(
        id=f"site:{key}",
        text=text,
        tipo=None,
        quem="programa",
        host=None,
        porta=None,
        pagina=KIND_PAGES[None],
        fonte=str(scenario.output_path(name).relative_to(OUTPUTS.parent)),
    )


def site_entries() -> list[Entry]:
    entries = []
    for scenario in SCENARIOS:
        for name, run in scenario.runs().items():
            if name == "main":
                text = printed_comments(scenario.path)
            else:
                path = scenario.output_path(name)
                text = path.read_text(encoding="utf-8") if path.exists() else ""
            if text.strip():
                entries.append(expected_for_run(scenario, name, run, text))
    for name, row in LAB_RUNS.items():
        path = LAB_OUTPUTS / f"diagnostico.{name}.txt"
        if not row.shown:
            continue
        kind = RESULT_KIND.get(row.result)
        host, port = row.argv[0], int(row.argv[1])
        entries.append(
            Entry(
                id=f"site:lab:{name}",
                text=path.read_text(encoding="utf-8"),
                tipo=kind,
                quem="programa",
                host=host,
                porta=port,
                pagina=KIND_PAGES[kind],
                fonte=str(path.relative_to(OUTPUTS.parent)),
            )
        )
    return entries


def program_entries() -> list[Entry]:
    entries = []
    for name in programs.TRANSCRIPTS:
        path = programs.SESSIONS / f"{name}.txt"
        if name not in PROGRAM_READINGS or not path.exists():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        text = "\n".join(line for line in lines if not line.startswith("$ "))
        fields = {"tipo": None, "quem": "programa", "host": None, "porta": None}
        fields.update(PROGRAM_READINGS[name])
        if "pagina" not in fields:
            shown = fields["quem"] != "programa" and showing_page(path)
            fields["pagina"] = shown or KIND_PAGES[fields["tipo"]]  # type: ignore[index]
        entries.append(
            Entry(
                id=f"site:programas:{name}",
                text=text + "\n",
                fonte=str(path.relative_to(OUTPUTS.parent)),
                **fields,  # type: ignore[arg-type]
            )
        )
    return entries


def real_entries() -> list[Entry]:
    entries = []
    for source in ("capturadas.json", "citadas.json"):
        path = DATA / source
        if not path.exists():
            continue
        rows = json.loads(path.read_text(encoding="utf-8"))
        for number, row in enumerate(rows):
            tool = re.sub(r"\W+", "-", row["ferramenta"]).strip("-")
            entries.append(
                Entry(
                    id=f"{path.stem}:{number}:{tool}",
                    text=row["texto"],
                    tipo=row["tipo"],
                    quem=row["quem"],
                    host=row["host"],
                    porta=row["porta"],
                    pagina=row["pagina"],
                    caminho=row.get("caminho"),
                    fonte=row["fonte"],
                    ferramenta=row["ferramenta"],
                    versao=row["versao"],
                )
            )
    return entries


CORPUS = site_entries() + program_entries() + real_entries()
