"""Errors a review found on the trap pages, kept from coming back on any page.

Each rule reads every page under ``docs/`` (and, where it says so, every
snippet) block by block: a block is a paragraph, a list or an admonition,
between blank lines, outside fenced code. A rule carries the reason, where the
error was found, and the old wrong text: ``test_rule_catches_the_old_text``
proves each rule still flags it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.anatomy import parse_text
from tests.scenarios import SCENARIOS
from tests.site import DOCS, INCLUDE, SNIPPETS


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    text: str


def blocks(text: str, page: str = "") -> list[Block]:
    """Markdown blocks between blank lines; fenced code, headings and front
    matter aside."""
    return [
        Block(page, line, paragraph)
        for section in parse_text(text, page).sections
        for line, paragraph in section.paragraphs()
    ]


def page_blocks() -> list[Block]:
    return [
        block
        for path in sorted(DOCS.rglob("*.md"))
        for block in blocks(path.read_text("utf-8"), path.relative_to(DOCS).as_posix())
    ]


def with_lead_in() -> list[Block]:
    """Page blocks; a list joins the paragraph that leads into it (with ':')."""
    found: list[Block] = []
    for block in page_blocks():
        last = found[-1] if found else None
        if (
            last
            and last.page == block.page
            and last.text.rstrip().endswith(":")
            and re.match(r"\s*(?:[-*+]|\d+\.)\s", block.text)
        ):
            found[-1] = Block(last.page, last.line, f"{last.text}\n{block.text}")
        else:
            found.append(block)
    return found


def snippet_comments() -> list[Block]:
    """Comments of every snippet, one block a line."""
    found = []
    for path in sorted(SNIPPETS.rglob("*.py")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if "#" in line and not line.lstrip().startswith("#>"):
                found.append(
                    Block(f"snippets/{path.relative_to(SNIPPETS)}", number, line)
                )
    return found


@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    found_in: str
    wrong: str  # the old text, as the review found it
    check: Callable[[Block], bool]  # True: the block breaks the rule
    scope: Callable[[], list[Block]] = page_blocks


GARBAGE_COLLECTOR = re.compile(r"aberto\s+até\s+o\s+coletor\s+de\s+lixo", re.IGNORECASE)
HIDDEN = re.compile(r"ocult[oa]\s+por\s+padrão|-X dev|-W default", re.IGNORECASE)
FULL_QUEUE = re.compile(r"fila\s+(?:de\s+conexões\s+)?cheia|backlog", re.IGNORECASE)
OTHER_SYSTEMS = re.compile(r"Windows|[Oo]utros sistemas")


RULES = [
    Rule(
        "unclosed_socket_waits_for_the_garbage_collector",
        "In CPython a socket with no reference left is closed at once (reference "
        "counting); one still referenced stays open however often the collector runs.",
        "docs/uso.md (`with`), snippets/armadilhas/socket_vazado.py",
        "Sem `with`, o socket\nconectado fica aberto até o coletor de lixo agir",
        lambda block: bool(GARBAGE_COLLECTOR.search(block.text)),
        lambda: [*page_blocks(), *snippet_comments()],
    ),
    Rule(
        "resource_warning_without_hidden_by_default",
        "The default warning filters ignore ResourceWarning: a reader running "
        "`python programa.py` sees nothing (test_claims: "
        "test_resource_warning_is_hidden_by_default).",
        "docs/uso.md (`with`)",
        "e o Python emite\n`ResourceWarning: unclosed <socket.socket ...>`.",
        lambda block: "ResourceWarning" in block.text and not HIDDEN.search(block.text),
    ),
    Rule(
        "full_queue_on_other_systems_without_a_source",
        "What a full accept queue does outside Linux cannot run here: the sentence "
        "that says it cites Microsoft's `listen` documentation (WSAECONNREFUSED).",
        "docs/armadilhas/parecidas.md (Só no Linux), "
        "docs/servicos/servidor.md (backlog)",
        "A fila cheia vira tempo esgotado no Linux. Outros sistemas podem recusar\n"
        "a conexão nesse caso; um firewall com `DROP` dá tempo esgotado em todos.",
        lambda block: (
            bool(FULL_QUEUE.search(block.text))
            and bool(OTHER_SYSTEMS.search(block.text))
            and "learn.microsoft.com" not in block.text
        ),
        with_lead_in,
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_rule_holds_on_every_page(rule: Rule) -> None:
    broken = [block for block in rule.scope() if rule.check(block)]
    assert not broken, "\n".join(
        [
            f"{rule.name}: {rule.reason} (found in {rule.found_in})",
            *(f"  {b.page}:{b.line}: {b.text[:160]!r}" for b in broken),
        ]
    )


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_rule_catches_the_old_text(rule: Rule) -> None:
    assert any(rule.check(block) for block in blocks(rule.wrong, "old text"))


# Output recorded with a two-address `localhost` holds only there: the page says
# so next to it. Found: bibliotecas/asyncio.md showed `Recusada em 2
# endereço(s).` (create_connection_all_errors.py) without saying `localhost`
# had two addresses, and one-address machines print 1.


def two_address_snippets() -> list[str]:
    return sorted(
        scenario.snippet
        for scenario in SCENARIOS
        if scenario.main is not None
        and any(len(addresses) > 1 for addresses in scenario.main.hosts.values())
    )


def neighbours(path: Path, snippet: str) -> list[str]:
    """The block before and the block after each fence that shows ``snippet`` whole."""
    lines = path.read_text("utf-8").splitlines()
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


@pytest.mark.parametrize("snippet", two_address_snippets())
def test_two_address_output_says_so(snippet: str) -> None:
    shown = [
        (path, text)
        for path in sorted(DOCS.rglob("*.md"))
        for text in neighbours(path, snippet)
    ]
    assert shown, f"{snippet}: no page shows it"
    for path, text in shown:
        assert says_both_addresses(text), (
            f"{path.relative_to(DOCS)}: {snippet} was recorded with `localhost` on "
            "`::1` and `127.0.0.1`; the paragraph before or after it must say so"
        )


def test_two_address_rule_catches_the_old_text() -> None:
    old = (
        "Com o servidor escutando só em `::1`, o primeiro endereço conecta e não há\n"
        "grupo nenhum:"
    )
    assert not says_both_addresses(old)
