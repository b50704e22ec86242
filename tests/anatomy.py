"""The problem-page anatomy, read from the Markdown.

Sintoma -> Causa -> Como resolver -> Prova.

A page with one situation has the four texts as ``##`` headings (ids ``sintoma``,
``causa``, ``como-resolver``, ``prova``). A page with several has one ``##``
heading per situation, with an explicit id, holding the four as ``###``
headings whose ids carry the situation's id as a prefix
(``django-como-resolver``). Closing sections (``CLOSING``) may follow the last
situation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.site import DOCS, FENCE, INCLUDE

# Folders whose pages (index.md aside) are problem pages; a new page in them is one too.
PROBLEM_FOLDERS = ("armadilhas", "servicos")
ANATOMY = (
    ("Sintoma", "sintoma"),
    ("Causa", "causa"),
    ("Como resolver", "como-resolver"),
    ("Prova", "prova"),
)
# Sections that may close a page after its situations, by id.
CLOSING = {
    "proximos-passos": "Próximos passos",
    "veja-tambem": "Veja também",
    "comparacao": "Comparação",  # a table of every situation on the page
}

HEADING = re.compile(
    r"^(?P<hashes>#{2,6})\s+(?P<title>.*?)\s*(?:\{(?P<attrs>[^}]*)\})?\s*$"
)
ID = re.compile(r"#(?P<id>[\w-]+)")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def problem_pages() -> list[Path]:
    return sorted(
        page
        for folder in PROBLEM_FOLDERS
        for page in (DOCS / folder).glob("*.md")
        if page.name != "index.md"
    )


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    title: str
    id: str | None


@dataclass(frozen=True)
class Fence:
    line: int
    language: str
    opener: str
    body: tuple[str, ...]

    @property
    def includes_a_program(self) -> bool:
        """Whether the block pulls in a source file (not a recorded output)."""
        for text in self.body:
            match = INCLUDE.match(text)
            if match and not match["escape"]:
                path = match["spec"].partition(":")[0]
                if not path.endswith((".txt", ".md")):
                    return True
        return False

    @property
    def is_listing(self) -> bool:
        """A program listing: any fence but a ``text`` block of plain text."""
        return self.language != "text" or self.includes_a_program

    def describe(self) -> str:
        return f"line {self.line}: {self.opener.strip()}"


@dataclass
class Section:
    """A heading and what follows it up to the next heading of any level."""

    heading: Heading | None
    lines: list[tuple[int, str]] = field(default_factory=list)
    fences: list[Fence] = field(default_factory=list)

    def paragraphs(self) -> list[tuple[int, str]]:
        """(first line, text) of each run of non-blank prose lines."""
        found, current, start = [], [], 0
        for number, line in [*self.lines, (0, "")]:
            if line.strip():
                start = start if current else number
                current.append(line)
            elif current:
                found.append((start, "\n".join(current)))
                current = []
        return found

    def prose(self) -> list[str]:
        """The section's text outside fences, without HTML comments."""
        text = "\n".join(line for _, line in self.lines)
        return COMMENT.sub("", text).splitlines()


@dataclass
class Page:
    name: str
    sections: list[Section]

    def headings(self, level: int) -> list[Heading]:
        return [
            s.heading for s in self.sections if s.heading and s.heading.level == level
        ]


def parse(path: Path) -> Page:
    """Headings, fenced blocks and prose of a page under docs/, in order."""
    name = path.relative_to(DOCS).as_posix()
    return parse_text(path.read_text(encoding="utf-8"), name)


def parse_text(markdown: str, name: str) -> Page:
    """Headings, fenced blocks and prose of Markdown text, in order.

    A fence leaves an empty line in the prose, so the text on either side of
    it stays two paragraphs.
    """
    lines = markdown.splitlines()
    sections = [Section(None)]
    index = 0
    in_front_matter = bool(lines) and lines[0] == "---"
    if in_front_matter:
        index = lines.index("---", 1) + 1
    while index < len(lines):
        text = lines[index]
        opener = FENCE.match(text)
        if opener:
            info = opener["info"].strip().lstrip("{").lstrip(".")
            language = info.split()[0].lower() if info else ""
            start, index = index, index + 1
            body = []
            while index < len(lines) and lines[index].strip() != opener["fence"]:
                body.append(lines[index])
                index += 1
            sections[-1].fences.append(Fence(start + 1, language, text, tuple(body)))
            sections[-1].lines.append((start + 1, ""))
            index += 1
            continue
        heading = HEADING.match(text)
        if heading and not text.startswith("# "):
            ident = ID.search(heading["attrs"] or "")
            sections.append(
                Section(
                    Heading(
                        index + 1,
                        len(heading["hashes"]),
                        heading["title"],
                        ident["id"] if ident else None,
                    )
                )
            )
        else:
            sections[-1].lines.append((index + 1, text))
        index += 1
    return Page(name, sections)


@dataclass
class Situation:
    """One situation: its name for messages and its sections, heading first."""

    name: str
    prefix: str
    level: int
    sections: list[Section]

    def part(self, title: str) -> Section | None:
        for section in self.sections:
            heading = section.heading
            if heading and heading.level == self.level and heading.title == title:
                return section
        return None

    def parts(self, title: str, until: str) -> list[Section]:
        """The sections from the heading ``title`` up to the heading ``until``."""
        inside, found = False, []
        for section in self.sections:
            heading = section.heading
            if heading and heading.level == self.level:
                if heading.title == until:
                    break
                inside = inside or heading.title == title
            if inside:
                found.append(section)
        return found


def situations(page: Page) -> tuple[list[Section], list[Situation]]:
    """The sections before the first situation, and the situations."""
    sections = page.sections
    single = any(h.title == "Sintoma" for h in page.headings(2))
    if single:
        body = [s for s in sections if s.heading is None or s.heading.id not in CLOSING]
        return [], [Situation(page.name, "", 2, body)]
    intro, found = [sections[0]], []
    for section in sections[1:]:
        heading = section.heading
        if heading.level == 2:
            if heading.id in CLOSING:
                found.append(None)
                continue
            title = f"{page.name} › {heading.title} ({{ #{heading.id} }})"
            found.append(Situation(title, f"{heading.id}-", 3, [section]))
        elif found and found[-1] is not None:
            found[-1].sections.append(section)
        elif not found:
            intro.append(section)
    return intro, [s for s in found if s is not None]


def anatomy_problems(page: Page) -> list[str]:
    """What keeps the page's headings from the anatomy."""
    problems = []
    intro, found = situations(page)
    if not found:
        return [
            f"{page.name}: no situation. One situation: `## Sintoma {{ #sintoma }}`, "
            "`## Causa`, `## Como resolver`, `## Prova`; several: `## Título { #id }` "
            "each, with `### Sintoma { #id-sintoma }` and the rest inside."
        ]
    level2 = page.headings(2)
    closing_seen = False
    for heading in level2:
        if heading.id in CLOSING:
            closing_seen = True
        elif closing_seen:
            problems.append(
                f"{page.name}: `## {heading.title}` (line {heading.line}) comes after "
                "a closing section; closing sections end the page."
            )
    for situation in found:
        heads = [
            s.heading
            for s in situation.sections
            if s.heading and s.heading.level == situation.level
        ]
        if situation.level == 3 and situation.sections[0].heading.id is None:
            problems.append(
                f"{situation.name}: the situation's heading has no explicit id."
            )
        expected = [(title, situation.prefix + ident) for title, ident in ANATOMY]
        actual = [(h.title, h.id) for h in heads[: len(ANATOMY)]]
        if actual != expected:
            shown = ", ".join(
                f"{'#' * situation.level} {t} {{ #{i} }}" for t, i in actual
            )
            want = ", ".join(
                f"{'#' * situation.level} {t} {{ #{i} }}" for t, i in expected
            )
            problems.append(
                f"{situation.name}: headings are [{shown or 'none'}]; the anatomy "
                f"starts with [{want}], in this order."
            )
        if situation.level == 2:
            extra = [h for h in heads[len(ANATOMY) :] if h.id not in CLOSING]
            for heading in extra:
                problems.append(
                    f"{situation.name}: `## {heading.title}` (line {heading.line}) "
                    "after Prova; a one-situation page holds everything in the four "
                    "sections (use `###` inside Prova)."
                )
    return problems


def _fences_before_fix(situation: Situation) -> list[tuple[str, Fence]]:
    """Each fence before the situation's `Como resolver`, with the part it sits in."""
    found = []
    part = (
        situation.sections[0].heading.title
        if situation.sections[0].heading
        else "(top)"
    )
    for section in situation.sections:
        heading = section.heading
        if heading and heading.level == situation.level:
            if heading.title == "Como resolver":
                return found
            part = heading.title
        found.extend((part, fence) for fence in section.fences)
    return found


def listing_problems(page: Page) -> list[str]:
    """Program listings that come before the fix."""
    problems = []
    intro, found = situations(page)
    for section in intro:
        for fence in section.fences:
            problems.append(
                f"{page.name}, before the first situation: a block comes first "
                f"({fence.describe()}); nothing but prose may open the page."
            )
    for situation in found:
        if situation.part("Como resolver") is None:
            problems.append(f"{situation.name}: no `Como resolver` heading.")
        texts = 0
        for part, fence in _fences_before_fix(situation):
            if fence.is_listing:
                problems.append(
                    f"{situation.name}: a program listing comes before `Como resolver` "
                    f"(in {part}, {fence.describe()}); move it to Prova."
                )
            elif part != "Sintoma":
                problems.append(
                    f"{situation.name}: a `text` block in {part} ({fence.describe()}); "
                    "before the fix, only Sintoma may show the message."
                )
            else:
                texts += 1
        if texts > 1:
            problems.append(
                f"{situation.name}: Sintoma shows {texts} blocks; at most one."
            )
    return problems


# Causa: one or two sentences, counted after removing code spans and link
# targets; and at most this many words, so one sentence cannot run on.
CAUSE_SENTENCES = 2
CAUSE_WORDS = 60
SYMPTOM_SENTENCES = 2
CODE_SPAN = re.compile(r"`[^`]*`")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
SENTENCE_END = re.compile(r"(?<!\bex)(?<!\bp)[.!?](?=\s|$)")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s")
BLOCK = re.compile(r"^\s*(?:!!!|\?\?\?|\||===)")


def plain(lines: list[str]) -> str:
    text = " ".join(line.strip() for line in lines if line.strip())
    text = CODE_SPAN.sub("X", text)
    return LINK.sub(r"\1", text)


def sentences(text: str) -> int:
    """Sentence ends, plus an unfinished last sentence (one ending in a colon)."""
    tail = text.rstrip()
    return len(SENTENCE_END.findall(text)) + bool(tail and tail[-1] not in ".!?")


def shape_problems(page: Page) -> list[str]:
    """Causa short and plain; Sintoma with the message."""
    problems = []
    for situation in situations(page)[1]:
        cause = situation.part("Causa")
        if cause is not None:
            lines = cause.prose()
            if any(LIST_ITEM.match(x) or BLOCK.match(x) for x in lines) or cause.fences:
                problems.append(
                    f"{situation.name}: Causa holds a list, table, admonition or "
                    "block; it is one or two sentences of prose."
                )
            text = plain(lines)
            count, words = sentences(text), len(text.split())
            if count > CAUSE_SENTENCES or words > CAUSE_WORDS:
                problems.append(
                    f"{situation.name}: Causa has {count} sentences and {words} words "
                    f"(at most {CAUSE_SENTENCES} sentences and {CAUSE_WORDS} words): "
                    f"{text[:120]}…"
                )
        symptom = situation.part("Sintoma")
        if symptom is not None:
            lines = symptom.prose()
            text = plain(lines)
            shows = bool(symptom.fences) or bool(MESSAGE.search("\n".join(lines)))
            if not shows:
                problems.append(
                    f"{situation.name}: Sintoma does not show the message (a `text` "
                    "block or the error in code, such as `ConnectionRefusedError`)."
                )
            if any(LIST_ITEM.match(x) or BLOCK.match(x) for x in lines):
                problems.append(
                    f"{situation.name}: Sintoma holds a list, table or admonition; "
                    "it is one line of prose and at most a `text` block."
                )
            if sentences(text) > SYMPTOM_SENTENCES:
                problems.append(
                    f"{situation.name}: Sintoma has {sentences(text)} sentences "
                    f"(at most {SYMPTOM_SENTENCES}): {text[:120]}…"
                )
        fix = situation.parts("Como resolver", "Prova")
        if fix and not any(
            section.fences or any(re.match(r"^\s*\d+\.\s", x) for x in section.prose())
            for section in fix
        ):
            problems.append(
                f"{situation.name}: Como resolver has neither numbered steps "
                "nor commands."
            )
    return problems


# The message a reader pasted: an exception, an errno name, a warning, a
# library's error text, in code.
MESSAGE = re.compile(
    r"`[^`]*(?:Error|Warning|Exception|Errno|errno|E[A-Z]{4,}|[Rr]efused|"
    r"[Rr]ecusad|gaierror|Max retries|Connection)[^`]*`"
)
