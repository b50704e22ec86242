"""The site's own search answers what readers really type.

Each query below comes from a real thread (its source is next to it): typed
without accents, with the English word a Brazilian developer uses, or pasted
straight from a traceback. The built site is opened in Chromium and each query
is entered into Material's search box and set off with a real key event
(Material searches on ``keyup`` and ignores ``fill()``; see ``type_query``), or
pasted with Ctrl+V as a reader pastes an error line; the answering page must
be among the first three results.

A query waits for its own answer: an init script counts the queries the page
sends to the search worker and the results it gets back, without changing
them. A few rows name a page that does not exist yet; they are skipped, with
the reason, until it does.
"""

from __future__ import annotations

import ast
import gzip
import html
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.chromium import POLL, READY, Browser, Stage, type_query
from tests.site import DOCS, ROOT, SNIPPETS

SYNONYMS = ROOT / "overrides" / "hooks" / "search_synonyms.yml"
SHAPER = ROOT / "overrides" / "hooks" / "search_index.py"
# What the first search fetches (gzip): 59 KiB before the program listings
# left the index, about 47 KiB after; 85 KiB once the site's pages grew from
# 36 to 60 (the programs' pages, the long tail). Fetched on the first search
# only, it stays under what the first view of a page may weigh (100 KiB).
INDEX_GZIP_LIMIT = 100_000
TOP = 3
# A query may wait for the site build, the browser's start and two tries.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(150)]


@dataclass(frozen=True)
class Query:
    text: str
    pages: tuple[str, ...]  # any of these among the first TOP results
    kind: str  # accentless, loanword, pasted
    source: str  # where readers typed it
    needs: str = ""  # a page (under docs/) the row waits for
    miss: str = ""  # why the search still misses it (an expected failure)
    top: int = TOP  # the answer must be among the first `top` results


@dataclass(frozen=True)
class Answer:
    pages: list[str]  # the results, in order
    meta: str  # the line above them ("3 documentos encontrados")


def q(
    text: str,
    pages: str,
    kind: str,
    source: str,
    needs: str = "",
    miss: str = "",
    top: int = TOP,
) -> Query:
    return Query(text, tuple(pages.split()), kind, source, needs, miss, top)


HOME, DOC, PORT = "/", "documentacao/", "armadilhas/portabilidade/"
IDLE, IFACE, IPV6 = (
    "armadilhas/nada-escutando/",
    "armadilhas/interface/",
    ("armadilhas/localhost-ipv6/"),
)
BOX, START, ALIKE = (
    "armadilhas/conteineres/",
    "armadilhas/servico-iniciando/",
    ("armadilhas/parecidas/"),
)
TRAPS, DIAG, DBS = "armadilhas/", "diagnostico/", "bibliotecas/bancos/"
READER = "diagnostico/leitor/"  # the message reader, an alternative answer
HTTP, ASYNC, REF = "bibliotecas/http/", "bibliotecas/asyncio/", "referencia/"
ISSUE = "issue 10 (the words the search used to miss)"
ISSUE19 = "issue 19 (the generic path wins: the bare exception's forms)"
TROUBLESHOOTING = (
    "pt-BR troubleshooting note on GitHub, "
    "'Troubleshooting: Problemas de Conexão entre Agentes'"
)

QUERIES = [
    # Without accents: Portuguese as it is typed on a phone or a US keyboard.
    q("conteiner", BOX, "accentless", ISSUE),
    q("excecao", f"{HOME} {DOC} armadilhas/connect-ex/", "accentless", ISSUE),
    q(
        "Nenhuma conexao pode ser feita porque a maquina de destino as recusou "
        "ativamente",
        IDLE,
        "accentless",
        "yt-dlp log pasted in a GitHub repository (accentless Windows message): "
        "'Failed to establish a new connection: [WinError 10061] Nenhuma conexao "
        "pode ser feita porque a maquina de destino as recusou ativamente'",
        top=1,
    ),
    q(
        "maquina de destino recusou ativamente",
        IDLE,
        "accentless",
        TROUBLESHOOTING,
        top=1,
    ),
    q(
        "servidor nao esta rodando",
        f"{IDLE} {TRAPS} {DIAG}",
        "accentless",
        TROUBLESHOOTING,
    ),
    q(
        "servidor rodando apenas em localhost",
        f"{IFACE} {BOX} {IPV6}",
        "accentless",
        TROUBLESHOOTING,
    ),
    q(
        "firewall bloqueando conexao",
        f"{TRAPS} {DIAG} {ALIKE}",
        "accentless",
        TROUBLESHOOTING,
    ),
    q(
        "excecao ConnectionRefusedError",
        f"{HOME} {DOC} uso/",
        "accentless",
        "https://github.com/Webschool-io/GeneticErrors/issues/7",
    ),
    q(
        "conteiner docker localhost",
        BOX,
        "accentless",
        "https://cr0x.net/es/docker-conexion-rechazada-redes",
    ),
    q(
        "servico ainda nao subiu",
        START,
        "accentless",
        "https://lours.me/posts/compose-tip-003-depends-on-healthcheck",
    ),
    q(
        "conexao recusada ao subir o banco no docker compose",
        START,
        "accentless",
        "https://www.dash0.com/faq/docker-compose-wait-for-container-before-starting-another",
    ),
    q(
        "tempo limite socket",
        f"{IDLE} uso/ {ALIKE} armadilhas/socket-vazado/",
        "accentless",
        "https://pt.ittrip.xyz/?p=1261",
    ),
    q(
        "servidor escutando na porta",
        f"{IDLE} {IFACE}",
        "accentless",
        "https://github.com/GuilhermeBn198/DCC602-Distributed_Systems",
    ),
    q(
        "nao consigo conectar no postgres porta 5433",
        DBS,
        "accentless",
        "https://github.com/aphonsoar/Receita_Federal_do_Brasil_-_Dados_Publicos_CNPJ/issues/11",
    ),
    q(
        "tratamento de erros socket python",
        f"uso/ {DOC}",
        "accentless",
        "https://pt.ittrip.xyz/python/socket-error-handling-in-python",
    ),
    q(
        "localhost resolve para ipv6",
        IPV6,
        "accentless",
        "https://github.com/cloudtemple/zabbix_templates/issues/3",
    ),
    q(
        "porta errada",
        IDLE,
        "accentless",
        "https://github.com/attreyabhatt/Reverse-Shell/issues/2",
    ),
    q(
        "excecoes embutidas",
        f"{HOME} {DOC}",
        "accentless",
        "https://docs.python.org/pt-br/3/library/exceptions.html",
    ),
    q(
        "hierarquia de excecoes",
        DOC,
        "accentless",
        "https://docs.python.org/pt-br/3/library/exceptions.html#exception-hierarchy",
    ),
    q(
        "tratamento de excecoes socket",
        f"uso/ {DOC} exemplos/",
        "accentless",
        "https://docs.python.org/pt-br/3/tutorial/errors.html#handling-exceptions",
    ),
    q(
        "socket nao fechado",
        "armadilhas/socket-vazado/",
        "accentless",
        "https://pt.ittrip.xyz/python/socket-error-handling-in-python",
    ),
    # The English word, where the pages write the Portuguese term.
    q("container", BOX, "loanword", ISSUE),
    q(
        "containers docker",
        BOX,
        "loanword",
        "https://github.com/docker/docker-py/issues/2176",
    ),
    q(
        "conexao recusada dentro do container",
        BOX,
        "loanword",
        "https://cr0x.net/en/docker-connection-refused-fix-networks",
    ),
    q("timeout", ALIKE, "loanword", ISSUE),
    q(
        "timeout socket python",
        f"{IDLE} uso/ {ALIKE} armadilhas/socket-vazado/",
        "loanword",
        "https://techez.online/pt/dominando-timeouts-de-socket-em-python",
    ),
    q("backoff", START, "loanword", ISSUE),
    q(
        "retry com backoff exponencial",
        f"{START} {REF}",
        "loanword",
        "https://benji011.github.io/til/2024-12-06-the-requests-library-supports-automatic-retries-with-exponential-backoff",
    ),
    q("backlog", ALIKE, "loanword", ISSUE),
    q(
        "backlog cheio",
        ALIKE,
        "loanword",
        "https://techez.online/pt/dominando-timeouts-de-socket-em-python",
    ),
    q(
        "retry",
        f"{START} {REF}",
        "loanword",
        "https://www.flaviomilan.dev/posts/2026/01/26/python-retries",
    ),
    q(
        "max retries",
        f"{HTTP} {DBS} {REF} servicos/http/ mensagens/",
        "loanword",
        "https://generalistprogrammer.com/errors/connectionerror-python",
    ),
    q(
        "firewall",
        f"{TRAPS} {DIAG} {ALIKE}",
        "loanword",
        "https://github.com/Nixtla/nixtla/issues/234",
    ),
    q(
        "proxy",
        HTTP,
        "loanword",
        "https://github.com/binary-husky/gpt_academic/issues/679",
    ),
    q(
        "healthcheck docker compose",
        START,
        "loanword",
        "https://scottkey.dev/til/docker/compose-healthchecks",
    ),
    q(
        "host.docker.internal",
        f"{BOX} servicos/conteineres-e-ci/",
        "loanword",
        "https://openillumi.com/en/en-docker-connection-refused-fix-host-docker-internal",
    ),
    q("localhost ipv6", IPV6, "loanword", "https://github.com/ziglang/zig/issues/5555"),
    q(
        "jitter",
        f"{START} {REF}",
        "loanword",
        "https://codegive.com/blog/python_requests_exponential_backoff.php",
    ),
    q(
        "postgres",
        DBS,
        "loanword",
        "https://github.com/RobertCraigie/prisma-client-py/issues/937",
    ),
    # Pasted from a traceback: brackets, colons, quotes, Errno and WinError.
    # The bare exception, in every system's words: the generic fix first.
    q(
        "ConnectionRefusedError: [Errno 111] Connection refused",
        IDLE,
        "pasted",
        "https://github.com/urllib3/urllib3/issues/2031",
        top=1,
    ),
    q(
        "[Errno 111] Connection refused",
        IDLE,
        "pasted",
        "https://github.com/Dinnerbone/mcstatus/issues/48",
        top=1,
    ),
    q(
        "ConnectionRefusedError: [WinError 10061] No connection could be made "
        "because the target machine actively refused it",
        IDLE,
        "pasted",
        "https://github.com/0vercl0k/paracosme/issues/2",
        top=1,
    ),
    q(
        "ConnectionRefusedError: [WinError 10061] Nenhuma conexão pôde ser feita "
        "porque a máquina de destino as recusou ativamente",
        IDLE,
        "pasted",
        "Windows' WSAECONNREFUSED text in Portuguese, as the portability page "
        "records it",
        top=1,
    ),
    q("Connection refused", IDLE, "pasted", ISSUE19, top=1),
    q("conexão recusada", IDLE, "typed", ISSUE19, top=1),
    q("conexao recusada", IDLE, "accentless", ISSUE19, top=1),
    q("errno 111", IDLE, "typed", ISSUE19, top=1),
    q(
        "[WinError 10061]",
        f"{PORT} {DOC}",
        "pasted",
        "https://github.com/attreyabhatt/Reverse-Shell/issues/2",
    ),
    q(
        "ConnectionRefusedError: [Errno 61] Connection refused",
        IDLE,
        "pasted",
        "https://github.com/solero/houdini/issues/85",
        top=1,
    ),
    q(
        "socket.error: [Errno 61] Connection refused",
        IDLE,
        "pasted",
        "https://github.com/zhengxiaowai/tcping/issues/3",
        top=1,
    ),
    q(
        "ConnectionRefusedError(111, 'Connection refused')",
        IDLE,
        "pasted",
        "https://github.com/ounisangw/CS305-23F-Assignment-1/issues/23",
        top=1,
    ),
    q(
        "redis.exceptions.ConnectionError: Error 111 connecting to "
        "localhost:6379. Connection refused.",
        DBS,
        "pasted",
        "https://github.com/redis/redis-py/issues/1466",
    ),
    # The redis part is explained on the databases page, WinError 10061 on
    # the portability page: either answers.
    q(
        "Error 10061 connecting to localhost:6379. No connection could be made "
        "because the target machine actively refused it",
        f"{DBS} {PORT}",
        "pasted",
        "https://github.com/akulakov/django-mcbv/issues/7",
    ),
    q(
        "psycopg2.OperationalError: could not connect to server: Connection refused",
        f"{DBS} servicos/postgresql/ mensagens/",
        "pasted",
        "https://github.com/aphonsoar/Receita_Federal_do_Brasil_-_Dados_Publicos_CNPJ/issues/11",
    ),
    q(
        "OSError: Multiple exceptions: [Errno 111] Connect call failed "
        "('127.0.0.1', 6379), [Errno 99] Cannot assign requested address",
        ASYNC,
        "pasted",
        "https://github.com/aio-libs-abandoned/aioredis-py/issues/434",
    ),
    q(
        "OSError: Multiple exceptions: [Errno 61] Connect call failed "
        "('::1', 80, 0, 0), [Errno 61] Connect call failed ('127.0.0.1', 80)",
        f"{ASYNC} {IPV6}",
        "pasted",
        "https://github.com/Tribler/tribler/issues/5428",
    ),
    q(
        "Connect call failed",
        ASYNC,
        "pasted",
        "https://github.com/cjrh/aiomsg/issues/12",
    ),
    q(
        "httpx.ConnectError: [Errno 111] Connection refused",
        HTTP,
        "pasted",
        "https://github.com/RobertCraigie/prisma-client-py/issues/937",
    ),
    q(
        "urllib3.exceptions.NewConnectionError: Failed to establish a new "
        "connection: [WinError 10061]",
        f"{HTTP} bibliotecas/",
        "pasted",
        "https://github.com/psf/requests/issues/4963",
    ),
    q(
        "requests.exceptions.ConnectionError: ('Connection aborted.', "
        "ConnectionRefusedError(111, 'Connection refused'))",
        f"{HTTP} bibliotecas/",
        "pasted",
        "https://github.com/gmt2001/ouroboros/issues/36",
    ),
    q(
        "OSError: [Errno 99] Cannot assign requested address",
        ALIKE,
        "pasted",
        "https://github.com/aio-libs/aiohttp/issues/6469",
    ),
    q(
        "errno.ECONNREFUSED is 61 on Darwin",
        PORT,
        "pasted",
        "https://github.com/ionelmc/python-aspectlib/pull/25",
    ),
    q(
        "ConnectionResetError: [Errno 104] Connection reset by peer",
        ALIKE,
        "pasted",
        "https://github.com/docker-library/python/issues/95",
    ),
    # Pages others are writing; each row waits for its page.
    q(
        "pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on "
        "'localhost' ([Errno 111] Connection refused)\")",
        "servicos/mysql/ mensagens/",
        "pasted",
        "PyMySQL's refused-connection message, as pasted in its issues",
    ),
    q(
        "pymongo.errors.ServerSelectionTimeoutError: localhost:27017: "
        "[Errno 111] Connection refused",
        "servicos/mongodb/ mensagens/",
        "pasted",
        "PyMongo's refused-connection message, as pasted in its issues",
    ),
    q(
        "kombu.exceptions.OperationalError: [Errno 111] Connection refused",
        "servicos/filas/ mensagens/",
        "pasted",
        "Celery's broker message, as pasted in its issues",
    ),
    q(
        "smtplib ConnectionRefusedError: [Errno 111] Connection refused",
        "servicos/email/ mensagens/",
        "pasted",
        "smtplib against a mail server that is not running",
    ),
    # The messages the issue tracker quotes, now on the message index.
    q(
        "requests.exceptions.ConnectionError: HTTPConnectionPool(host='localhost', "
        "port=8000): Max retries exceeded with url: / (Caused by "
        "NewConnectionError('Failed to establish a new connection: [Errno 111] "
        "Connection refused'))",
        "mensagens/ servicos/http/",
        "pasted",
        "https://github.com/psf/requests/issues/4664 (the line people paste)",
    ),
    q(
        "Is the server running on that host and accepting TCP/IP connections?",
        "mensagens/ servicos/postgresql/",
        "pasted",
        "libpq's hint, pasted in psycopg2 and Django questions",
    ),
    q(
        "httpx.ConnectError: All connection attempts failed",
        "mensagens/ servicos/http/",
        "pasted",
        "https://github.com/encode/httpx/discussions (AsyncClient refusal)",
    ),
    q(
        "aiohttp.client_exceptions.ClientConnectorError: Cannot connect to host "
        "localhost:8080 ssl:default [Connect call failed ('127.0.0.1', 8080)]",
        "mensagens/ servicos/http/ bibliotecas/asyncio/",
        "pasted",
        "https://github.com/aio-libs/aiohttp/issues (the line people paste)",
    ),
    q(
        "urllib.error.URLError: <urlopen error [Errno 111] Connection refused>",
        "mensagens/ servicos/http/ bibliotecas/http/",
        "pasted",
        "urllib's refusal as pasted in Stack Overflow questions",
    ),
    q(
        "No connection could be made because the target machine actively refused it",
        IDLE,
        "pasted",
        "Windows' WSAECONNREFUSED text, the most pasted form of this error",
        top=1,
    ),
    # Pasted from tools no page names: the generic fix (or the message
    # reader) comes first, not a page that shares "connect", "failed",
    # "Errno" or "111" with every such line.
    q(
        "ssh: connect to host localhost port 22: Connection refused",
        f"{IDLE} {READER}",
        "pasted",
        "https://github.com/rastasheep/ubuntu-sshd/issues/26",
        top=1,
    ),
    q(
        "telnet: Unable to connect to remote host: Connection refused",
        f"{IDLE} {READER}",
        "pasted",
        "https://github.com/mininet/mininet/issues/1150",
        top=1,
    ),
    q(
        "*1 connect() failed (111: Connection refused) while connecting to upstream",
        f"programas/proxy-reverso/ {IDLE} {READER}",
        "pasted",
        "https://github.com/alessandromr/medium-go-nginx-docker/issues/1 (nginx)",
        top=1,
    ),
    q(
        "dial tcp 127.0.0.1:7702: connect: connection refused",
        f"{IDLE} {READER}",
        "pasted",
        "https://github.com/Jrohy/trojan/issues/561 (Go)",
        top=1,
    ),
    q(
        "ConnectException: Connection refused (Connection refused)",
        f"{IDLE} {READER}",
        "pasted",
        "https://github.com/zalando-zmon/zmon-controller/issues/668 (Java)",
        top=1,
    ),
    q(
        "Could not connect: Connection to tcp://127.0.0.31:8080 failed: "
        "Connection refused",
        f"{IDLE} {READER}",
        "pasted",
        "https://github.com/ratchetphp/Pawl/issues/121 (PHP)",
        top=1,
    ),
    # A Node dev server proxying to localhost, which resolved to ::1: the
    # Node dev server's page (or the IPv6 page) answers it, and must win over
    # the proxy sections.
    q(
        "[vite] http proxy error: Error: connect ECONNREFUSED ::1:8000",
        f"programas/node-dev-server/ {IDLE} {IPV6} {READER}",
        "pasted",
        "https://github.com/netchampfaris/frappe-ui-starter/issues/5",
        top=1,
    ),
    # Lines written by another program in front of or around the app
    # (docs/programas/): each lands on the page with that program's fix.
    q(
        "[error] 52#52: *1 connect() failed (111: Connection refused) while "
        'connecting to upstream, client: 172.20.0.1, server: my.local, request: "GET '
        '/ HTTP/1.1", upstream: "http://172.20.0.2:8000/", host: "my.local"',
        "programas/proxy-reverso/",
        "pasted",
        "https://github.com/nginx-proxy/nginx-proxy/issues/1253",
    ),
    q(
        "channel 3: open failed: connect failed: Connection refused",
        "programas/tunel-ssh/",
        "pasted",
        "https://github.com/ghtorrent/ghtorrent.org/issues/777",
    ),
    q(
        "error forwarding port 6000 to pod 972bb77690ac, uid : failed to execute "
        "portforward in network namespace: socat command returns error: exit status "
        "1, stderr: socat[96552] E connect(5, AF=2 127.0.0.1:6000, 16): Connection "
        "refused",
        "programas/kubectl/",
        "pasted",
        "https://github.com/kubernetes-sigs/kind/issues/869",
    ),
    q(
        "[vite] http proxy error: Error: connect ECONNREFUSED ::1:8000 at "
        "TCPConnectWrap.afterConnect [as oncomplete] (node:net:1157:16)",
        "programas/node-dev-server/",
        "pasted",
        "https://github.com/MioQuispe/create-ic-app/issues/19",
    ),
    q(
        "unix:///var/run/supervisor.sock refused connection",
        "programas/supervisor/",
        "pasted",
        "https://github.com/Supervisor/supervisor/issues/654",
    ),
    q(
        "Server ingress-node/10.10.10.168 is DOWN, reason: Layer4 connection "
        'problem, info: "Connection refused"',
        "programas/proxy-reverso/",
        "pasted",
        "https://github.com/easzlab/kubeasz/issues/919",
    ),
    q(
        "curl: (52) Empty reply from server",
        "programas/docker-porta-publicada/",
        "pasted",
        "https://github.com/EXXETA/openapi-cop/issues/249",
    ),
    q(
        "ssh: connect to host tools.mi.ur.de port 22: Connection refused",
        f"programas/tunel-ssh/ {IDLE}",
        "pasted",
        "https://github.com/wpoa/open-access-media-importer/issues/80",
    ),
]

# Words typed into the interface, which answers in Portuguese.
PORTUGUESE_WORDS = ["recusada", "servidor", "contêiner"]
# A word that merely starts like a title must not outrank the real answer.
NOT_FIRST = [("porta", PORT)]

# Counts what the page asks the search worker and what it answers; the query
# and the results themselves go through untouched.
COUNT_SEARCHES = """(() => {
  const Native = window.Worker;
  const seen = (window.__searches = { sent: 0, received: 0, last: null });
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (event.data && event.data.type === 3) seen.received += 1;
      });
    }
    postMessage(message, ...rest) {
      if (message && message.type === 2) {
        seen.sent += 1;
        seen.last = message.data;
      }
      return super.postMessage(message, ...rest);
    }
  };
})()"""
ANSWERED = """(value) => {
  const seen = window.__searches;
  return seen.last === value && seen.received === seen.sent;
}"""
META = "() => document.querySelector('.md-search-result__meta').innerText"
RESULTS = """() => [...document.querySelectorAll(
  '.md-search-result__list > .md-search-result__item')]
  .map((item) => item.querySelector('a').href)"""


def page_of(href: str, base: str) -> str:
    """``http://host/prefix/armadilhas/udp/?h=x`` -> ``armadilhas/udp/``, home ``/``."""
    path = urlsplit(href).path
    prefix = urlsplit(base).path
    return path[len(prefix) :] or "/" if path.startswith(prefix) else path


class SearchBox:
    """A tab with the search open; each query is typed (or pasted, as a reader
    pastes an error line) into it and waits for its own answer.

    A query that times out is tried again in a new tab, then fails its test
    alone. Answers are kept for the tests that ask the same text.
    """

    def __init__(self, browser: Browser, base: str) -> None:
        self.browser = browser
        self.base = base
        self.page = None
        self.answers: dict[str, Answer] = {}

    def ask(self, query: Query) -> Answer:
        if query.text not in self.answers:
            try:
                self.answers[query.text] = self.browser.step(
                    f"search {query.text!r}",
                    lambda stage: self._ask(query, stage),
                    on_timeout=self.close,
                )
            except Exception:
                self.browser.run(self.close())  # the next query starts afresh
                raise
        return self.answers[query.text]

    async def _open(self, stage: Stage) -> object:
        stage("the page with the search to load")
        context = await self.browser.chromium.new_context(
            viewport={"width": 1280, "height": 900}
        )
        await context.grant_permissions(["clipboard-read", "clipboard-write"])
        await context.add_init_script(COUNT_SEARCHES)
        page = await context.new_page()
        await page.goto(self.base, wait_until="load")
        await page.wait_for_function(READY, polling=POLL)
        await page.keyboard.press("/")  # Material's shortcut opens the search
        return page

    async def _ask(self, query: Query, stage: Stage) -> Answer:
        if self.page is None:
            self.page = await self._open(stage)
        page = self.page
        box = page.locator("input.md-search__input")
        stage("the search box to clear")
        await box.press("Control+A")
        await box.press("Backspace")
        if query.kind == "pasted":
            stage("the pasted text in the search box")
            await page.evaluate(
                "(text) => navigator.clipboard.writeText(text)", query.text
            )
            await page.keyboard.press("Control+V")
            await page.wait_for_function(
                "(text) => document.activeElement.value === text",
                arg=query.text,
                polling=POLL,
            )
        else:
            await type_query(page, query.text)
        stage("the search worker's answer")
        await page.wait_for_function(ANSWERED, arg=query.text, polling=POLL)
        pages = [page_of(h, self.base) for h in await page.evaluate(RESULTS)]
        return Answer(pages, await page.evaluate(META))

    async def close(self) -> None:
        if self.page is not None:
            page, self.page = self.page, None
            await page.context.close()


def _active(query: Query) -> bool:
    return not query.needs or (DOCS / query.needs).exists()


@pytest.fixture(scope="session")
def search_box(browser: Browser, site_url: str) -> Iterator[SearchBox]:
    box = SearchBox(browser, site_url)
    yield box
    browser.run(box.close())


def typed(text: str) -> Query:
    """A word typed into the interface by the tests below the table."""
    return q(text, HOME, "typed", "")


@pytest.mark.parametrize("query", QUERIES, ids=[query.text[:50] for query in QUERIES])
def test_search_finds_the_answering_page(query: Query, search_box) -> None:
    if not _active(query):
        pytest.skip(f"waits for docs/{query.needs}")
    top = search_box.ask(query).pages[: query.top]
    found = set(query.pages) & set(top)
    if query.miss:
        assert not found, f"{query.text!r} is answered now: drop its miss note"
        pytest.xfail(query.miss)
    assert found, (
        f"{query.text!r}: expected one of {query.pages} "
        f"in the first {query.top}, got {top}"
    )


@pytest.mark.parametrize(("text", "title_page"), NOT_FIRST)
def test_a_title_prefix_does_not_come_first(
    text: str, title_page: str, search_box
) -> None:
    found = search_box.ask(typed(text)).pages
    assert found, f"{text!r} found nothing"
    assert found[0] != title_page, f"{text!r} puts {title_page} first: {found[:TOP]}"


@pytest.mark.parametrize("word", PORTUGUESE_WORDS)
def test_search_in_portuguese_finds_pages(word: str, search_box) -> None:
    answer = search_box.ask(typed(word))
    assert answer.pages, f"{word!r} found nothing"
    assert "encontrado" in answer.meta, answer.meta  # the pt-BR interface


def test_enough_real_queries_of_each_kind() -> None:
    active = [query for query in QUERIES if _active(query) and not query.miss]
    kinds = {
        kind: sum(q.kind == kind for q in active)
        for kind in ("accentless", "loanword", "pasted")
    }
    assert len(active) >= 40, kinds
    assert min(kinds.values()) >= 10, kinds
    pasted = [q.text for q in active if q.kind == "pasted"]
    assert sum("WinError" in t for t in pasted) >= 3
    assert sum("Errno" in t for t in pasted) >= 8
    assert all(q.source for q in QUERIES)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@pytest.fixture(scope="session")
def index(built_site: Path) -> dict:
    return json.loads((built_site / "search" / "indice.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def indexed_words(index: dict) -> set[str]:
    """The words the pages show (titles and text; not the hidden fields)."""
    separator = re.compile(index["config"]["separator"])
    text = " ".join(f"{doc['title']} {doc['text']}" for doc in index["docs"])
    text = re.sub(r"<[^>]+>", " ", text)
    return {word for word in separator.split(_fold(text)) if word}


def _synonym_phrases() -> list[tuple[str, str]]:
    data = yaml.safe_load(SYNONYMS.read_text(encoding="utf-8"))
    return [(word, phrase) for word, phrases in data.items() for phrase in phrases]


@pytest.mark.parametrize(("word", "phrase"), _synonym_phrases())
def test_synonyms_name_words_the_pages_use(
    word: str, phrase: str, indexed_words
) -> None:
    """A synonym stored where no page writes its phrase would find nothing."""
    for part in re.split(r"[\s\-]+", _fold(phrase)):
        if len(part) < 3:
            continue  # stop words such as "de"
        if part.endswith("*"):
            assert any(w.startswith(part[:-1]) for w in indexed_words), (word, part)
        else:
            assert part in indexed_words, (word, part)


def test_separator_keeps_error_tokens_whole(indexed_words) -> None:
    """Brackets and colons split words; identifiers and numbers stay whole."""
    for token in (
        "connectionrefusederror",
        "errno",
        "111",
        "winerror",
        "10061",
        "econnrefused",
    ):
        assert token in indexed_words, token
    assert not any(re.search(r"[\[\]():]", word) for word in indexed_words)


def _index_text(index: dict) -> str:
    return html.unescape(" ".join(doc["text"] for doc in index["docs"]))


def _docstring_lines(source: str) -> set[int]:
    """Line numbers of docstrings (mkdocstrings shows them as prose)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            found.update(range(first.lineno, first.end_lineno + 1))
    return found


def _code_lines(path: Path) -> list[str]:
    """A file's telling lines: long enough not to occur by chance in prose."""
    source = path.read_text(encoding="utf-8")
    prose = _docstring_lines(source) if path.suffix == ".py" else set()
    lines = [
        line.strip()
        for number, line in enumerate(source.splitlines(), 1)
        if number not in prose
    ]
    return [x for x in lines if len(x) > 30 and "--8<--" not in x and x[0] != "#"]


def test_index_leaves_program_listings_out(index: dict) -> None:
    """Readers search messages and words; a result showing a listing helps nobody."""
    text = _index_text(index)
    programs = [p for p in SNIPPETS.rglob("*.py") if "__pycache__" not in p.parts]
    leaked = {
        p.relative_to(SNIPPETS).as_posix(): line
        for p in programs
        for line in _code_lines(p)
        if line in text
    }
    assert not leaked, leaked


def test_index_keeps_recorded_outputs(index: dict) -> None:
    """The messages a reader pastes are the recorded outputs: they stay searchable."""
    text = _index_text(index)
    include = re.compile(r'--8<-- "(saidas/[^"]+\.txt)"')
    shown = {
        match[1]
        for page in DOCS.rglob("*.md")
        for match in include.finditer(page.read_text("utf-8"))
    }
    assert shown
    missing = [
        path
        for path in sorted(shown)
        if not all(line in text for line in _code_lines(SNIPPETS / path))
    ]
    assert not missing, missing


def test_index_fetched_on_the_first_search_stays_small(built_site: Path) -> None:
    body = (built_site / "search" / "indice.json").read_bytes()
    assert len(gzip.compress(body, 9)) < INDEX_GZIP_LIMIT


def test_hidden_fields_fold_accents_and_hold_synonyms(index: dict) -> None:
    """The words a reader types are in fields the theme indexes and never shows."""
    fields = index["config"]["fields"]
    assert fields["title_forms"]["boost"] == fields["title"]["boost"]
    hidden = {
        doc["location"]: f"{doc.get('title_forms', '')} {doc.get('text_forms', '')}"
        for doc in index["docs"]
    }
    words = hidden["armadilhas/conteineres/"].split()
    assert {"conteineres", "container"} <= set(words), words[:20]
    # what is not a page's own word stays out of sight
    assert all("title_forms" not in doc["text"] for doc in index["docs"])


def test_shaping_twice_changes_nothing(built_site: Path, tmp_path: Path) -> None:
    """The command another generator's build would run: shaping is idempotent."""
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    (site / "search" / "indice.json").replace(site / "search" / "search_index.json")
    command = [sys.executable, str(SHAPER), str(site), str(DOCS)]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "listagens de programas fora" in first.stdout
    shaped = (site / "search" / "search_index.json").read_bytes()
    subprocess.run(command, capture_output=True, text=True, check=True)
    assert (site / "search" / "search_index.json").read_bytes() == shaped
    assert shaped == (built_site / "search" / "indice.json").read_bytes()


@pytest.mark.parametrize("args", [[], ["/nao/existe", "docs"]])
def test_shaping_command_rejects_bad_input_in_portuguese(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, str(SHAPER), *args], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr.startswith("uso:"), done.stderr
    assert "Traceback" not in done.stderr
