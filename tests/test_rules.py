"""Errors a review found once, kept out of every page and every snippet.

Each rule is one row of ``RULES``: what it catches, why it is wrong, where it
was found (the file, as it was at ``BEFORE``, the commit the review read, and
any other file that had it then) and the wrong text itself, verbatim. The
rule runs over every page in ``docs/`` and every file in ``snippets/``
(recorded outputs aside: they are what the libraries print). A rule may name
exceptions, each with its reason: a quoted log or a counterexample the page
explains is not advice.

A rule reads a text the way its error is best seen: sentence by sentence,
passage by passage, command by command, block by block (the anatomy's
parser: paragraphs, lists and admonitions outside fenced code) or around the
inclusion of a snippet.

Two tests keep each rule honest: it catches its own wrong text, and, where the
git history is at hand, it catches every file where the review found it.

To add a rule: write its check (a function from a ``Text`` to the offending
excerpts, usually ``sentences_where``/``commands_where``/``blocks_where`` with
a condition) and add one ``Rule(...)`` to ``RULES``.
"""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import pytest

from tests import anatomy
from tests.scenarios import SCENARIOS
from tests.site import DOCS, INCLUDE, ROOT, SNIPPETS

BEFORE = "a6e733d"  # main as the review of issue 17 read it
RECORDED = SNIPPETS / "saidas"  # library output, verbatim: no rule applies


@dataclass(frozen=True)
class Text:
    """A file's text, with where it came from (relative to the repository)."""

    path: str
    content: str

    @property
    def is_python(self) -> bool:
        return self.path.endswith(".py")


Check = Callable[[Text], Iterator[str]]


@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    found: str  # the file where the review found it, as it was at BEFORE
    wrong: str  # the wrong text, verbatim from ``found``
    check: Check
    in_fence: bool = False  # ``wrong`` sat in a fenced code block
    also_found: tuple[str, ...] = ()  # other files that had it at BEFORE
    # "path: excerpt" -> why that occurrence is right
    exceptions: Mapping[str, str] = field(default_factory=dict)

    def violations(self, text: Text) -> list[str]:
        allowed = [
            excerpt
            for where, _reason in self.exceptions.items()
            for path, _, excerpt in [where.partition(": ")]
            if path == text.path
        ]
        return [
            hit
            for hit in self.check(text)
            if not any(excerpt in hit for excerpt in allowed)
        ]


# --------------------------------------------------------------------------
# Reading a text: passages (paragraphs, list items, comment blocks),
# sentences, commands in code.
# --------------------------------------------------------------------------

LIST_ITEM = re.compile(r"^\s*(?:\d+\.|[-*])\s")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ú0-9`*(\[])")


def passages(text: Text) -> Iterator[str]:
    """Paragraphs and list items (Markdown) or runs of comment lines (Python),
    each with its whitespace collapsed to single spaces."""
    lines = text.content.splitlines()
    if text.is_python:
        lines = [line.split("#", 1)[1] if "#" in line else "" for line in lines]
    current: list[str] = []
    for line in lines:
        if not line.strip() or LIST_ITEM.match(line):
            if current:
                yield " ".join(" ".join(current).split())
            current = [line] if line.strip() else []
        else:
            current.append(line)
    if current:
        yield " ".join(" ".join(current).split())


def sentences(text: Text) -> Iterator[str]:
    for passage in passages(text):
        yield from SENTENCE_END.split(passage)


def sentences_where(condition: Callable[[str], bool]) -> Check:
    """A check: every sentence for which ``condition`` holds is wrong."""

    def check(text: Text) -> Iterator[str]:
        return (s for s in sentences(text) if condition(s))

    return check


def passages_where(condition: Callable[[str], bool]) -> Check:
    """A check: every passage for which ``condition`` holds is wrong."""

    def check(text: Text) -> Iterator[str]:
        return (p for p in passages(text) if condition(p))

    return check


CODE_SPAN = re.compile(r"`([^`\n]+)`")


def code(text: Text) -> Iterator[str]:
    """Each piece of code: a line of a Python file or of a fenced block, or an
    inline code span of Markdown prose."""
    if text.is_python:
        yield from text.content.splitlines()
        return
    fenced = False
    for line in text.content.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced:
            yield line
        else:
            yield from CODE_SPAN.findall(line)


def commands_where(program: str, condition: Callable[[str], bool]) -> Check:
    """A check: every invocation of ``program`` (its name followed by an
    argument, in code) for which ``condition`` holds is wrong. A bare mention
    (the `curl`, o `pg_isready`) is not an invocation."""
    invocation = re.compile(rf"(?<![\w./-]){re.escape(program)}\b(?=\"?,?\s+\S)")

    def check(text: Text) -> Iterator[str]:
        return (
            piece.strip()
            for piece in code(text)
            if invocation.search(piece) and condition(piece)
        )

    return check


def blocks(
    text: Text, *, comments: bool = False, lead_in: bool = False
) -> Iterator[tuple[int, str]]:
    """(first line, text) of each Markdown block between blank lines, fenced
    code, headings and front matter aside (the anatomy's parser). With
    ``lead_in``, a list joins the paragraph that leads into it (with ':').
    In a Python file, with ``comments``, each comment line (``#>`` aside)."""
    if text.is_python:
        if comments:
            for number, line in enumerate(text.content.splitlines(), 1):
                if "#" in line and not line.lstrip().startswith("#>"):
                    yield number, line
        return
    found: list[tuple[int, str]] = []
    for section in anatomy.parse_text(text.content, text.path).sections:
        for line, block in section.paragraphs():
            if (
                lead_in
                and found
                and found[-1][1].rstrip().endswith(":")
                and anatomy.LIST_ITEM.match(block)
            ):
                found[-1] = (found[-1][0], f"{found[-1][1]}\n{block}")
            else:
                found.append((line, block))
    yield from found


def blocks_where(
    condition: Callable[[str], bool], *, comments: bool = False, lead_in: bool = False
) -> Check:
    """A check: every block (see ``blocks``) for which ``condition`` holds is
    wrong."""

    def check(text: Text) -> Iterator[str]:
        return (
            f"line {line}: {block}"
            for line, block in blocks(text, comments=comments, lead_in=lead_in)
            if condition(block)
        )

    return check


# --------------------------------------------------------------------------
# The checks that need more than a sentence.
# --------------------------------------------------------------------------

URLLIB3_RETRY_FIXED = {"total", "status", "other"}
URLLIB3_RETRY_KEYWORDS = re.compile(
    r"\b(?:total|connect|read|redirect|status|other|backoff_factor)="
)
RETRY_CALL = re.compile(r"\bRetry\(((?:[^()]|\([^()]*\))*)\)")


def _leaves_counters(arguments: str) -> bool:
    """Whether a urllib3 ``Retry(...)``'s arguments leave ``total``,
    ``status`` or ``other`` at their defaults (not urllib3's: False)."""
    positional_total = re.match(r"\s*\d", arguments) is not None
    if "Backoff(" in arguments or not (
        positional_total or URLLIB3_RETRY_KEYWORDS.search(arguments)
    ):
        return False  # redis-py's Retry(backoff, retries), or no real call
    given = set(re.findall(r"\b(\w+)=", arguments))
    if positional_total:
        given.add("total")
    return not given >= URLLIB3_RETRY_FIXED


def urllib3_retry_leaving_defaults(text: Text) -> Iterator[str]:
    if text.is_python:
        tree = ast.parse(text.content)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Retry"
            ):
                call = ast.unparse(node)
                if _leaves_counters(call[call.index("(") + 1 : -1]):
                    yield call
        return
    for piece in code(text):
        for match in RETRY_CALL.finditer(piece):
            if _leaves_counters(match[1]):
                yield match[0]


GARBAGE_COLLECTOR = re.compile(r"aberto\s+até\s+o\s+coletor\s+de\s+lixo", re.IGNORECASE)
HIDDEN = re.compile(r"ocult[oa]\s+por\s+padrão|-X dev|-W default", re.IGNORECASE)
FULL_QUEUE = re.compile(r"fila\s+(?:de\s+conexões\s+)?cheia|backlog", re.IGNORECASE)
OTHER_SYSTEMS = re.compile(r"Windows|[Oo]utros sistemas")


def mentions_all(*words: str) -> Callable[[str], bool]:
    return lambda s: all(w in s for w in words)


UNIT_SECTION = re.compile(r"^\s*\[(?:Unit|Service|Install|Socket|Timer)\]\s*$", re.M)


def file_lacks_line(trigger: str, needed: re.Pattern[str]) -> Check:
    """A check: a file that mentions ``trigger`` must also have a line that
    matches ``needed``."""

    def check(text: Text) -> Iterator[str]:
        if trigger in text.content and not needed.search(text.content):
            yield f"{trigger} without a line like {needed.pattern}"

    return check


def _quit_ends_the_driver_process(s: str) -> bool:
    return (
        "quit()" in s
        and re.search(r"encerra\b.*\bo processo do driver", s) is not None
        and "não o processo" not in s
        and "local" not in s.lower()
    )


def _redis_retry_time(s: str) -> bool:
    return (
        "redis" in s.lower()
        and re.search(r"tenta de novo|novas tentativas|repete", s) is not None
        and re.search(r"\b\d+(?:,\d+)?\s*(?:s|segundos)\b", s) is not None
        and not ("Redis(" in s and "from_url" in s)
    )


def two_address_snippets() -> list[str]:
    """Snippets whose recorded output had ``localhost`` on two addresses."""
    return sorted(
        scenario.snippet
        for scenario in SCENARIOS
        if scenario.main is not None
        and any(len(addresses) > 1 for addresses in scenario.main.hosts.values())
    )


def neighbours(content: str, snippet: str) -> list[str]:
    """The block before and the block after each fence that shows ``snippet``
    whole."""
    lines = content.splitlines()
    found = []
    for index, line in enumerate(lines):
        match = INCLUDE.match(line)
        if not match or match["escape"] or match["spec"] != snippet:
            continue
        before = index - 1
        while before > 0 and lines[before - 1].strip():
            before -= 1
        start = before - 1
        while start > 0 and lines[start - 1].strip():
            start -= 1
        after = index + 2
        while after < len(lines) and not lines[after].strip():
            after += 1
        end = after
        while end < len(lines) and lines[end].strip():
            end += 1
        found.append("\n".join(lines[start : before - 1] + lines[after:end]))
    return found


def says_both_addresses(text: str) -> bool:
    return "`::1`" in text and "`127.0.0.1`" in text


def two_address_output_unsaid(text: Text) -> Iterator[str]:
    """Each snippet recorded with a two-address ``localhost`` that the page
    shows without saying so in the block before or after it."""
    if text.is_python:
        return
    for snippet in two_address_snippets():
        for around in neighbours(text.content, snippet):
            if not says_both_addresses(around):
                yield f"{snippet}, between: {around}"


# --------------------------------------------------------------------------
# The rules.
# --------------------------------------------------------------------------

RULES = [
    Rule(
        "pg_isready_without_host",
        "Sem -h, o pg_isready testa o socket Unix, que responde antes de o TCP "
        "aceitar: o healthcheck passa e a aplicação ainda recebe a recusa "
        "(armadilhas/servico-iniciando.md).",
        found="docs/servicos/conteineres-e-ci.md",
        wrong='          --health-cmd "pg_isready -U postgres"',
        in_fence=True,
        check=commands_where(
            "pg_isready", lambda c: not re.search(r'(?:^|[\s"])(?:-h|--host)\b', c)
        ),
    ),
    Rule(
        "urllib3_retry_leaves_counters_at_defaults",
        "Um Retry do urllib3 sem total, status e other fixos continua com "
        "total=10 e repete status (um 503 com Retry-After: 0 foi enviado 11 "
        "vezes): fixe todos os contadores (bibliotecas/http.md).",
        found="snippets/servicos/requests_retry_adapter.py",
        wrong="retries = Retry(connect=3, read=0, backoff_factor=0.1)",
        check=urllib3_retry_leaving_defaults,
        exceptions={
            "docs/bibliotecas/http.md: Retry(connect=2)": "the counterexample "
            "the page explains (what goes wrong)",
            "docs/servicos/http.md: Retry(connect=3, read=0, backoff_factor=0.1)": (
                "the counterexample the page explains, with its count"
            ),
            "docs/servicos/http.md: Retry(0, read=False)": "requests' default, "
            "described, not advised",
            "docs/servicos/http.md: Retry(total=4, connect=None": "pip's log "
            "line, quoted verbatim",
        },
    ),
    Rule(
        "curl_without_noproxy",
        "O curl obedece a http_proxy/HTTPS_PROXY: com um proxy morto no "
        "ambiente, ele falha com o servidor no ar, e o leitor culpa o servidor. "
        "Conselho com curl leva --noproxy '*'.",
        found="docs/servicos/http.md",
        wrong="`curl -v http://127.0.0.1:8000/`",
        check=commands_where("curl", lambda c: "--noproxy" not in c),
        exceptions={
            "docs/armadilhas/interface.md: curl localhost:8080": "the reader's "
            "own command in the symptom, not advice",
        },
    ),
    Rule(
        "listen_default_backlog_is_not_somaxconn",
        "Sem argumento, listen() usa min(SOMAXCONN, 128), não SOMAXCONN "
        "(medido: SOMAXCONN 4096, ss mostra 128).",
        found="docs/servicos/servidor.md",
        wrong="`socket.SOMAXCONN` é a constante que o Python usa quando "
        "`listen()` é chamado sem argumento",
        check=sentences_where(
            lambda s: "SOMAXCONN" in s and "sem argumento" in s and "min(" not in s
        ),
    ),
    Rule(
        "redis_retry_time_names_both_constructors",
        "As novas tentativas do redis-py valem para Redis(...) (cerca de 4 s), "
        "não para from_url (na hora): uma frase sobre o tempo diz qual.",
        found="docs/servicos/redis.md",
        wrong="o redis-py 8 tenta de novo, com espera crescente, antes de "
        "desistir: aqui, a mesma mensagem levou cerca de 4 s",
        check=passages_where(_redis_retry_time),
    ),
    Rule(
        "selenium_quit_stops_only_local_drivers",
        "Só os drivers locais (webdriver.Chrome(), Firefox()) encerram o "
        "processo do driver no quit(); com webdriver.Remote, o comando "
        "seguinte dá invalid session id (código do Selenium 4.51).",
        found="snippets/servicos/selenium_apos_quit.py",
        wrong="# porta 9515. `driver.quit()` encerra a sessão e o processo do driver.",
        check=sentences_where(_quit_ends_the_driver_process),
    ),
    Rule(
        "selenium_close_ends_the_session_only",
        "close() na última janela encerra a sessão, não o processo do driver: "
        "o comando seguinte dá invalid session id, não uma recusa.",
        found="docs/servicos/selenium.md",
        wrong="1. **Procure o `quit()` (ou `close()` na última janela) que veio "
        "antes**: num `tearDown`/*fixture* que roda entre testes e deixa um "
        "driver compartilhado morto, num `with` que já saiu, numa função "
        "auxiliar que fecha o navegador.",
        check=sentences_where(
            lambda s: (
                mentions_all("close()", "última janela")(s)
                and not re.search(r"encerra a sessão|só a sessão|invalid session id", s)
            )
        ),
    ),
    Rule(
        "ollama_host_is_not_a_base_url",
        "OLLAMA_HOST é o endereço em que o servidor escuta (0.0.0.0:11434, sem "
        "http://): lido como URL de cliente, faz o requests levantar "
        "InvalidSchema, um traceback.",
        found="snippets/servicos/ollama_host_docker.py",
        wrong='base_url = os.environ.get("OLLAMA_HOST", '
        '"http://host.docker.internal:11434")',
        check=lambda text: (
            line.strip()
            for line in code(text)
            if text.is_python
            and re.search(
                r"(?:environ(?:\.get)?\s*[(\[]|getenv\()\s*[\"']OLLAMA_HOST", line
            )
        ),
    ),
    Rule(
        "systemctl_edit_shows_the_section",
        "Um ajuste com systemctl edit só vale dentro da sua seção: uma linha "
        "Environment= solta não muda nada; ela vai em [Service] (FAQ do "
        "Ollama). A página mostra o arquivo do ajuste com a seção.",
        found="docs/servicos/conteineres-e-ci.md",
        wrong='`systemctl edit ollama` e `Environment="OLLAMA_HOST=0.0.0.0:11434"`',
        check=file_lacks_line("systemctl edit", UNIT_SECTION),
    ),
    Rule(
        "mysql_connector_c_extension_differs",
        "A extensão em C do mysql-connector levanta DatabaseError, com outro "
        "texto (2003 (HY000) ... (111)) e causa MySQLInterfaceError: não é o "
        "mesmo texto, e except InterfaceError não a captura.",
        found="docs/servicos/mysql.md",
        wrong="a extensão em C, usada por padrão quando está instalada, escreve o "
        "mesmo texto.",
        check=sentences_where(
            lambda s: (
                "extensão em C" in s
                and re.search(r"mesmo texto|mesma mensagem", s) is not None
            )
        ),
    ),
    Rule(
        "mysql_connector_catch_the_base_error",
        "except InterfaceError deixa passar a forma da extensão em C "
        "(DatabaseError): capture mysql.connector.Error.",
        found="snippets/servicos/mysql_connector_recusa.py",
        wrong="except mysql.connector.errors.InterfaceError as exc:",
        exceptions={
            "docs/servicos/mysql.md: except InterfaceError": "a code span in "
            "the prose that explains what this catch would miss; the page shows "
            "no such code",
        },
        check=lambda text: (
            line.strip()
            for line in code(text)
            if re.search(
                r"except\s+(?:mysql\.connector\.(?:errors\.)?)?InterfaceError", line
            )
        ),
    ),
    Rule(
        "urllib3_does_not_print_errno_99_with_ipv6_off",
        "Com o IPv6 desativado, o urllib3 (e o requests) tenta o 127.0.0.1 e "
        "mostra 111; só socket.create_connection e o urllib mostram 99 (rede "
        "de laboratório, servicos/servidor.md).",
        found="docs/servicos/servidor.md",
        wrong="`Failed to establish a new connection: [Errno 99] Cannot assign "
        "requested address`",
        check=sentences_where(lambda s: "new connection: [Errno 99]" in s),
    ),
    Rule(
        "mongo_image_binds_all_interfaces",
        "A imagem oficial mongo do Docker inicia o mongod com --bind_ip_all: "
        '"escuta só em 127.0.0.1" vale para o pacote, não para a imagem.',
        found="docs/servicos/mongodb.md",
        wrong="2. **`bindIp`**: o `mongod` escuta só em `127.0.0.1` por padrão.",
        check=sentences_where(
            lambda s: (
                "mongod" in s
                and re.search(r"escuta só em .127\.0\.0\.1.", s) is not None
                and "pacote" not in s
                and "imagem" not in s
            )
        ),
    ),
    Rule(
        "pymysql_connect_timeout_defaults_to_10",
        "O connect_timeout do PyMySQL já vale 10 s por padrão; só o "
        "mysql-connector fica sem tempo-limite.",
        found="docs/servicos/mysql.md",
        wrong="5. Defina `connect_timeout` (PyMySQL) ou `connection_timeout` "
        "(mysql-connector) para que uma rede que descarta pacotes não trave o "
        "programa.",
        check=sentences_where(
            lambda s: "`connect_timeout`" in s and "PyMySQL" in s and "10" not in s
        ),
    ),
    Rule(
        "only_v6_refused_has_no_message",
        "Se só o ::1 recusa, o 127.0.0.1 conecta e não há mensagem nenhuma: o "
        "que o leitor vê é o ::1 recusado e o 127.0.0.1 com outro erro.",
        found="docs/bibliotecas/asyncio.md",
        wrong="só o `::1` recusado, o servidor escuta apenas em IPv4",
        check=sentences_where(
            lambda s: (
                re.search(r"só (?:a linha d)?o `::1`,? (?:recusad|aparece)", s)
                is not None
            )
        ),
    ),
    Rule(
        "unclosed_socket_waits_for_the_garbage_collector",
        "No CPython, um socket sem nenhuma referência é fechado na hora "
        "(contagem de referências); um que ainda tem referência fica aberto, "
        "por mais que o coletor de lixo rode.",
        found="docs/uso.md",  # the `with ... :` entry
        also_found=("snippets/armadilhas/socket_vazado.py",),
        wrong="Sem `with`, o socket\nconectado fica aberto até o coletor de lixo agir",
        check=blocks_where(lambda b: bool(GARBAGE_COLLECTOR.search(b)), comments=True),
    ),
    Rule(
        "resource_warning_without_hidden_by_default",
        "Os filtros de aviso padrão ignoram o ResourceWarning: quem roda "
        "python programa.py não vê nada (test_claims: "
        "test_resource_warning_is_hidden_by_default).",
        found="docs/uso.md",  # the `with ... :` entry
        wrong="e o Python emite\n`ResourceWarning: unclosed <socket.socket ...>`.",
        check=blocks_where(lambda b: "ResourceWarning" in b and not HIDDEN.search(b)),
    ),
    Rule(
        "full_queue_on_other_systems_without_a_source",
        "O que a fila de conexões cheia faz fora do Linux não roda aqui: a frase "
        "que o diz cita a documentação do listen da Microsoft (WSAECONNREFUSED).",
        found="docs/armadilhas/parecidas.md",  # the note "Só no Linux"
        also_found=("docs/servicos/servidor.md",),  # the backlog section
        wrong="A fila cheia vira tempo esgotado no Linux. Outros sistemas podem "
        "recusar\na conexão nesse caso; um firewall com `DROP` dá tempo esgotado "
        "em todos.",
        check=blocks_where(
            lambda b: (
                bool(FULL_QUEUE.search(b))
                and bool(OTHER_SYSTEMS.search(b))
                and "learn.microsoft.com" not in b
            ),
            lead_in=True,
        ),
    ),
    Rule(
        "two_address_output_says_so",
        "Uma saída gravada com o localhost em dois endereços (::1 e 127.0.0.1) "
        "só vale onde ele tem os dois (numa máquina com um só, o trecho imprime "
        "1): o bloco antes ou depois dela diz isso.",
        found="docs/bibliotecas/asyncio.md",
        wrong='```python title="bibliotecas/create_connection_all_errors.py"\n'
        '--8<-- "bibliotecas/create_connection_all_errors.py"\n'
        "```\n\n"
        "Com o servidor escutando só em `::1`, o primeiro endereço conecta e não "
        "há\ngrupo nenhum:",
        check=two_address_output_unsaid,
    ),
]


# --------------------------------------------------------------------------
# The tests.
# --------------------------------------------------------------------------


def checked_texts() -> list[Text]:
    """Every page in docs/ and every snippet (recorded outputs aside)."""
    files = sorted(DOCS.rglob("*.md")) + sorted(
        p
        for p in SNIPPETS.rglob("*")
        if p.suffix in {".py", ".md"} and RECORDED not in p.parents
    )
    return [
        Text(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))
        for p in files
    ]


def by_name(rule: Rule) -> str:
    return rule.name


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", RULES, ids=by_name)
def test_rule_holds_everywhere(rule: Rule) -> None:
    broken = [
        f"{text.path}: {hit}"
        for text in checked_texts()
        for hit in rule.violations(text)
    ]
    assert not broken, (
        f"{rule.name}: {rule.reason}\n(encontrado antes em {rule.found})\n"
        + "\n".join(broken)
    )


def as_found(rule: Rule) -> Text:
    """The rule's wrong text, alone, as it sat in its file."""
    content = f"```\n{rule.wrong}\n```\n" if rule.in_fence else rule.wrong + "\n"
    return Text(rule.found, content)


def collapsed(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("rule", RULES, ids=by_name)
def test_rule_catches_its_wrong_text(rule: Rule) -> None:
    assert rule.violations(as_found(rule)), f"{rule.name} misses: {rule.wrong}"


def text_before(path: str) -> str | None:
    """``path`` at ``BEFORE``, or None where that history is not at hand."""
    try:
        shown = subprocess.run(
            ["git", "show", f"{BEFORE}:{path}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return shown.stdout if shown.returncode == 0 else None


@pytest.mark.parametrize("rule", RULES, ids=by_name)
def test_rule_catches_the_files_where_it_was_found(rule: Rule) -> None:
    for path in (rule.found, *rule.also_found):
        before = text_before(path)
        if before is None:
            pytest.skip(f"{BEFORE}:{path} is not in this checkout's history")
        if path == rule.found:
            assert collapsed(rule.wrong) in collapsed(before), "not the file's text"
        assert rule.violations(Text(path, before)), (
            f"{rule.name} does not catch {path} as it was at {BEFORE}"
        )


@pytest.mark.parametrize("snippet", two_address_snippets())
def test_every_two_address_snippet_is_shown(snippet: str) -> None:
    """The two-address rule has something to read: a page shows each one."""
    assert any(
        neighbours(path.read_text(encoding="utf-8"), snippet)
        for path in DOCS.rglob("*.md")
    ), f"{snippet}: no page shows it"


@pytest.mark.parametrize("rule", RULES, ids=by_name)
def test_rule_exceptions_name_a_file_and_a_reason(rule: Rule) -> None:
    for where, reason in rule.exceptions.items():
        path, sep, excerpt = where.partition(": ")
        assert sep, f"{where!r}: write 'path: excerpt'"
        assert excerpt, f"{where!r}: write 'path: excerpt'"
        assert (ROOT / path).exists(), f"{path} does not exist"
        assert reason.strip(), f"{where}: say why it is allowed"
