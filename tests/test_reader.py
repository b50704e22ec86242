"""The message reader: one table of patterns (in diagnostico.py), two readers
(the command's --mensagem and the page "Ler uma mensagem"), one corpus
(tests/corpus.py). Every corpus entry must be read right by both; the
table is published as JSON for the page and as data at a stable URL."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import diagnostico
import pytest

from tests import chromium
from tests.chromium import AXE, CHROMIUM, CHROMIUM_ARGS
from tests.corpus import CORPUS, OUTPUTS, Entry, printed_comments
from tests.scenarios import SCENARIOS
from tests.site import DOCS, ROOT, SNIPPETS

PROGRAM = SNIPPETS / "diagnostico.py"
READER_PAGE = "diagnostico/leitor/"
TABLE_URI = "diagnostico/padroes.json"
FIELDS = ("tipo", "quem", "host", "porta", "caminho", "pagina")
REAL = [e for e in CORPUS if not e.id.startswith("site:")]


def read_fields(reading: dict) -> dict:
    """What a reading says, with the page as a path on the site, no anchor."""
    page = reading["pagina"].removeprefix(diagnostico.SITE_URL).partition("#")[0]
    return {**{k: reading[k] for k in FIELDS}, "pagina": page}


def expected_fields(entry: Entry) -> dict:
    return {k: getattr(entry, k) for k in FIELDS}


def skip_while_recording(entry: Entry, request: pytest.FixtureRequest) -> None:
    """The site's outputs were read at collection; --update-examples rewrites
    them in this same run, so their entries are checked in the next one."""
    recording = request.config.getoption("--update-examples", default=False)
    if recording and entry.id.startswith("site:"):
        pytest.skip("recorded outputs are being rewritten in this run")


def table_patterns() -> list[str]:
    table = diagnostico.MESSAGE_TABLE
    patterns = [p for p, _ in table["sinais"]] + [p for p, _ in table["onde"]]
    for rows in (table["quem"].values(), table["bibliotecas"]):
        patterns += [p for row in rows for p in row["sinais"]]
    patterns += [row["padrao"] for row in table["enderecos"]]
    return [*patterns, table["seguro"]]


def table_pages() -> list[str]:
    table = diagnostico.MESSAGE_TABLE
    rows = [*table["tipos"].values(), *table["quem"].values(), table["generico"]]
    rows += [*table["bibliotecas"], *table["enderecos"]]
    return sorted({row["pagina"] for row in rows if "pagina" in row})


# --------------------------------------------------------------------------
# The corpus.
# --------------------------------------------------------------------------


def test_corpus_has_real_messages_from_many_tools() -> None:
    tools = {e.ferramenta for e in REAL}
    assert len(REAL) >= 150, len(REAL)
    assert len(tools) >= 40, sorted(tools)
    for entry in REAL:
        if entry.fonte == "capturada":
            assert entry.versao, f"{entry.id}: a captured message names its version"
        else:
            assert entry.fonte.startswith("https://"), f"{entry.id}: link the thread"


def test_every_recorded_output_of_the_site_is_in_the_corpus() -> None:
    sources = {e.fonte for e in CORPUS if e.id.startswith("site:")}
    recorded = {str(p.relative_to(SNIPPETS)) for p in OUTPUTS.rglob("*.txt")}
    assert recorded - sources == set()
    printed = {s.snippet for s in SCENARIOS if printed_comments(s.path).strip()}
    assert {f"{s}:main" for s in printed} - sources == set()


# --------------------------------------------------------------------------
# The command: python diagnostico.py --mensagem ARQUIVO --so-ler --json
# --------------------------------------------------------------------------


@pytest.mark.parametrize("entry", CORPUS, ids=lambda e: e.id)
def test_command_reads_the_corpus(
    entry: Entry,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    skip_while_recording(entry, request)
    message = tmp_path / "mensagem.txt"
    message.write_text(entry.text, encoding="utf-8")
    code = diagnostico.main(["--mensagem", str(message), "--so-ler", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert read_fields(report["mensagem"]) == expected_fields(entry)
    assert report["diagnostico"] is None, "--so-ler tests nothing"
    assert code == report["codigo_saida"]
    assert code == (0 if entry.tipo else diagnostico.EXIT_UNREAD)


def run_program(
    *argv: str, stdin: bytes | None = b"", shell_prefix: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    if shell_prefix:  # e.g. "exec 0<&-;": the program starts with stdin closed
        command = " ".join([sys.executable, str(PROGRAM), *argv])
        return subprocess.run(
            ["sh", "-c", f"{shell_prefix} exec {command}"],
            capture_output=True,
            text=True,
            env=env,
            timeout=20,
            check=False,
        )
    return subprocess.run(
        [sys.executable, str(PROGRAM), *argv],
        input=None if stdin is None else stdin.decode(),
        capture_output=True,
        text=True,
        env=env,
        timeout=20,
        check=False,
    )


def test_message_from_standard_input() -> None:
    text = "redis.exceptions.ConnectionError: Error 111 connecting to db:6379."
    result = run_program("--mensagem", "-", "--so-ler", stdin=text.encode())
    assert result.returncode == 0, result.stderr
    assert "Mensagem lida: Conexão recusada" in result.stdout
    assert "Onde: db porta 6379" in result.stdout
    assert "redis-cli -h db -p 6379 ping" in result.stdout
    assert f"{diagnostico.SITE_URL}servicos/redis/#como-resolver" in result.stdout


@pytest.mark.parametrize(
    ("argv", "stdin", "shell_prefix", "message"),
    [
        (["--mensagem", "-"], b"", "", "a mensagem está vazia"),
        (["--mensagem", "-"], b"  \n\t\n", "", "a mensagem está vazia"),
        (["--mensagem", "-"], None, "exec 0<&-;", "a entrada padrão está fechada"),
        (["--mensagem", "/nao/existe.txt"], b"", "", "não deu para ler"),
        (["--mensagem", str(ROOT / "docs")], b"", "", "não deu para ler"),
        (["--mensagem"], b"", "", "--mensagem pede um ARQUIVO"),
        (["--mensagem", "-", "localhost", "80"], b"x", "", "não informe HOST e PORTA"),
        (["--mensagem", "-", "--verbose"], b"x", "", "opção desconhecida"),
        (["--mensagem", "-", "--timeout", "0"], b"x", "", "entre 0 e 60"),
    ],
    ids=[
        "empty",
        "blank",
        "stdin_closed",
        "missing_file",
        "directory",
        "no_file",
        "host_and_port",
        "unknown_option",
        "bad_timeout",
    ],
)
def test_bad_message_input_exits_2_in_portuguese(
    argv: list[str], stdin: bytes | None, shell_prefix: str, message: str
) -> None:
    result = run_program(*argv, stdin=stdin, shell_prefix=shell_prefix)
    assert result.returncode == diagnostico.EXIT_USAGE, result.stderr
    assert result.stderr.startswith("erro: ")
    assert message in result.stderr
    assert "--mensagem ARQUIVO" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_unplaced_text_gets_the_generic_path_and_the_report_link() -> None:
    result = run_program("--mensagem", "-", "--so-ler", stdin=b"algo deu errado")
    assert result.returncode == diagnostico.EXIT_UNREAD
    assert "Mensagem lida: Não reconhecida" in result.stdout
    assert "ss -ltnp 'sport = :PORTA'" in result.stdout
    assert f"{diagnostico.REPO_URL}/issues/new?template=mensagem.yml" in result.stdout


def test_a_message_without_an_address_has_nothing_to_test() -> None:
    text = b"ConnectionRefusedError: [Errno 111] Connection refused"
    result = run_program("--mensagem", "-", stdin=text)
    assert result.returncode == diagnostico.EXIT_NO_ADDRESS, result.stderr
    assert "Sem host e porta na mensagem: nada a testar." in result.stdout


def test_the_address_read_is_tested(
    port_in, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = port_in("refused")
    message = tmp_path / "erro.txt"
    message.write_text(
        f"ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', {port})"
    )
    code = diagnostico.main(["--mensagem", str(message), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == diagnostico.EXIT_CODES["recusado"]
    assert (report["mensagem"]["host"], report["mensagem"]["porta"]) == (
        "127.0.0.1",
        port,
    )
    assert report["diagnostico"]["resultado"] == "recusado"


def test_message_exit_codes_are_in_the_one_table_and_in_help() -> None:
    """Distinct codes and the page's rows are checked for the whole table in
    test_diagnostico.py; here, that the reading's outcomes are in it."""
    names = {"mensagem não reconhecida": diagnostico.EXIT_UNREAD}
    names["mensagem sem endereço"] = diagnostico.EXIT_NO_ADDRESS
    help_text = diagnostico.help_text()
    for name, code in names.items():
        assert diagnostico.EXIT_CODES[name] == code
        assert f"{code} {name}" in help_text


# --------------------------------------------------------------------------
# One table: regexes both engines read, pages that exist, published as data.
# --------------------------------------------------------------------------


def test_patterns_compile_in_python_and_in_javascript() -> None:
    patterns = table_patterns()
    for pattern in patterns:
        re.compile(pattern, re.IGNORECASE)
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not found: the JavaScript side is checked in the browser")
    script = (
        "const ps = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const bad = ps.filter(p => { try { new RegExp(p, 'i'); return false; }"
        " catch (e) { return true; } });"
        "process.stdout.write(JSON.stringify(bad));"
    )
    result = subprocess.run(
        [node, "-e", script],
        input=json.dumps(patterns),
        capture_output=True,
        text=True,
        timeout=20,
        check=True,
    )
    assert json.loads(result.stdout) == []


def test_no_pattern_uses_syntax_one_engine_reads_differently() -> None:
    """Named groups, inline flags, lookbehind and \\Z or \\A differ or fail."""
    for pattern in table_patterns():
        assert not re.search(r"\(\?P?<|\(\?[aiLmsux]|\\[AZz]", pattern), pattern


def test_table_pages_exist_with_their_anchors(built_site: Path) -> None:
    for page in table_pages():
        path, _, anchor = page.partition("#")
        html = (built_site / path / "index.html").read_text(encoding="utf-8")
        assert not anchor or f'id="{anchor}"' in html, page


def test_table_is_published_as_json_and_llms_txt_points_at_it(
    built_site: Path,
) -> None:
    published = json.loads((built_site / TABLE_URI).read_text(encoding="utf-8"))
    assert {k: v for k, v in published.items() if k not in ("site", "repo")} == (
        diagnostico.MESSAGE_TABLE
    )
    assert published["site"] == diagnostico.SITE_URL
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"site_url: {diagnostico.SITE_URL}" in config
    assert f"repo_url: {diagnostico.REPO_URL}" in config
    llms = (built_site / "llms.txt").read_text(encoding="utf-8")
    for uri in (READER_PAGE, TABLE_URI, "mensagens/", "armadilhas/nada-escutando/"):
        assert f"]({diagnostico.SITE_URL}{uri})" in llms, uri


def test_reader_page_is_linked_from_home_index_404_and_nav() -> None:
    link = "diagnostico/leitor.md"
    assert link in (DOCS / "index.md").read_text(encoding="utf-8")
    top = (DOCS / "mensagens.md").read_text(encoding="utf-8").split("\n## ")[0]
    assert link in top
    assert "diagnostico/leitor/" in (ROOT / "overrides" / "404.html").read_text()
    assert f"Ler uma mensagem: {link}" in (ROOT / "mkdocs.yml").read_text()


def test_issue_form_for_unplaced_messages_has_the_prefilled_field() -> None:
    form = (ROOT / ".github" / "ISSUE_TEMPLATE" / "mensagem.yml").read_text()
    assert re.search(r"^\s+id: mensagem$", form, re.MULTILINE)


def first_view(built_site: Path, page: str) -> dict[str, int]:
    """Gzip bytes of a page's HTML and of the styles and scripts it loads."""
    html_path = built_site / page / "index.html"
    html = html_path.read_text(encoding="utf-8")
    sizes = {"html": len(gzip.compress(html.encode(), 9))}
    for ref in re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html):
        target = (html_path.parent / ref.split("?")[0]).resolve()
        sizes[target.name] = len(gzip.compress(target.read_bytes(), 9))
    return sizes


def test_reader_page_first_view_is_light_and_the_table_loads_on_demand(
    built_site: Path,
) -> None:
    sizes = first_view(built_site, READER_PAGE)
    table = len(gzip.compress((built_site / TABLE_URI).read_bytes(), 9))
    print(f"first view (gzip): {sizes}, total {sum(sizes.values())}; table {table}")
    assert sum(sizes.values()) < 100 * 1024
    html = (built_site / READER_PAGE / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<(?:script|link)[^>]+padroes\.json", html)
    assert "leitor.js" in html
    other = (built_site / "index.html").read_text(encoding="utf-8")
    assert "leitor.js" not in other, "the script loads only on the reader page"


# --------------------------------------------------------------------------
# The page, in Chromium: a real paste of every corpus entry.
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reader_tab(site_url: str) -> Iterator[tuple[object, list[str]]]:
    """The reader page open in Chromium, with every request it made."""
    chromium.require_chromium()
    sync_playwright = chromium.playwright_api("sync").sync_playwright
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(site_url + READER_PAGE)
        page.wait_for_load_state("networkidle")
        yield page, requests
        browser.close()


def paste(page: object, text: str) -> dict:
    """Clear the box, paste ``text`` with Ctrl+V and return the reading."""
    box = page.locator("#leitor-texto")
    box.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.wait_for_function("document.getElementById('leitor-resultado').hidden")
    page.evaluate("(text) => navigator.clipboard.writeText(text)", text)
    page.keyboard.press("Control+V")
    return wait_reading(page, text)


def wait_reading(page: object, text: str) -> dict:
    page.wait_for_function(
        "(n) => document.getElementById('leitor-resultado').dataset.tamanho == n",
        arg=str(len(text)),
    )
    data = page.evaluate(
        "() => ({...document.getElementById('leitor-resultado').dataset})"
    )
    assert page.locator("#leitor-texto").input_value() == text
    return data


def selected_entries(session: pytest.Session) -> list[Entry]:
    """The corpus entries the selected page tests read (all, in a full run;
    one at least, so the page has read something)."""
    wanted = {
        item.callspec.params["entry"].id
        for item in session.items
        if item.originalname == "test_page_reads_the_corpus"
    }
    return [entry for entry in CORPUS if entry.id in wanted] or CORPUS[:1]


@pytest.fixture(scope="module")
def page_readings(
    reader_tab: tuple[object, list[str]], request: pytest.FixtureRequest
) -> dict[str, dict]:
    page, requests = reader_tab
    before = list(requests)
    readings = {e.id: paste(page, e.text) for e in selected_entries(request.session)}
    readings["requests before reading"] = before  # type: ignore[assignment]
    return readings


def page_fields(data: dict) -> dict:
    port = data.get("porta") or None
    return {
        "tipo": data.get("tipo") or None,
        "quem": data["quem"],
        "host": data.get("host") or None,
        "porta": int(port) if port else None,
        "caminho": data.get("caminho") or None,
        "pagina": data["pagina"].partition("#")[0],
    }


@pytest.mark.browser
@pytest.mark.timeout(600)
@pytest.mark.parametrize("entry", CORPUS, ids=lambda e: e.id)
def test_page_reads_the_corpus(entry: Entry, request: pytest.FixtureRequest) -> None:
    skip_while_recording(entry, request)
    page_readings = request.getfixturevalue("page_readings")
    assert page_fields(page_readings[entry.id]) == expected_fields(entry)


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_page_asks_for_the_table_only_when_reading_and_only_here(
    reader_tab: tuple[object, list[str]], page_readings: dict[str, dict], site_url: str
) -> None:
    _, requests = reader_tab
    before = page_readings["requests before reading"]
    assert not any(TABLE_URI in url for url in before), "loaded before any text"
    assert sum(TABLE_URI in url for url in requests) == 1, "loaded once"
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(site_url))
    assert [url for url in requests if not url.startswith(origin)] == []


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_page_reads_typed_keys_and_offers_a_prefilled_issue(
    reader_tab: tuple[object, list[str]], page_readings: dict[str, dict]
) -> None:
    page, _ = reader_tab
    box = page.locator("#leitor-texto")
    box.focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    typed = "Error 111 connecting to localhost:6379. Connection refused."
    page.keyboard.type(typed)
    data = wait_reading(page, typed)
    assert (data["tipo"], data["host"], data["porta"]) == (
        "recusada",
        "localhost",
        "6379",
    )
    steps = page.locator("#leitor-resultado pre").inner_text()
    assert "redis-cli -h localhost -p 6379 ping" in steps
    unplaced = "o programa parou sem dizer por quê"
    paste(page, unplaced)
    href = page.locator("#leitor-relatar").get_attribute("href")
    url = urlsplit(href)
    assert f"{url.scheme}://{url.netloc}{url.path}" == (
        f"{diagnostico.REPO_URL}/issues/new"
    )
    query = parse_qs(url.query)
    assert query["template"] == ["mensagem.yml"]
    assert query["mensagem"] == [unplaced]


AXE_RUN = """async () => (await axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
    'wcag22aa']}, resultTypes: ['violations'],
})).violations.map((v) => `${v.id} (${v.impact}): ` +
  v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '))"""


@pytest.mark.browser
@pytest.mark.timeout(600)
@pytest.mark.parametrize(
    "text",
    [
        'psycopg2.OperationalError: connection to server at "127.0.0.1", '
        "port 5432 failed: Connection refused",
        "o programa parou sem dizer por quê",
    ],
    ids=["placed", "unplaced"],
)
def test_page_with_a_reading_has_no_accessibility_violation(
    text: str, reader_tab: tuple[object, list[str]], page_readings: dict[str, dict]
) -> None:
    chromium.require_axe()
    page, _ = reader_tab
    paste(page, text)
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    assert page.evaluate(AXE_RUN) == []
