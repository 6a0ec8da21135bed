"""Stage 1: read YAML data files into plain Python values, remembering where each came from.

We compose the YAML node tree ourselves instead of letting PyYAML construct objects, because
YAML 1.1's implicit typing silently corrupts council data: ``no`` becomes ``False``, a phone
number ``01234 567890`` stays text but ``012345`` becomes an octal int, duplicate keys keep
the last value. Here every scalar stays text (the schema in ``models`` decides what a field
means), duplicate keys are errors naming both lines, and anchors/aliases are refused, which
also rules out "billion laughs" expansion. Each value's line is kept under its path, e.g.
``("services", 3, "levels")``, so later stages can point people at the right line.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import stat
import typing
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from yaml._yaml import CParser  # libyaml, inside PyYAML's wheels
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader
from yaml.resolver import Resolver

from .errors import DataError, Problem, shown
from .kinds import files, folders
from .memo import Memo
from .models import MAX_ID, SLUG
from .parallel import in_two

#: Files larger than this are refused before parsing: real data files are a few hundred KB,
#: and parsing tens of MB of YAML in pure Python would stall a build for minutes.
MAX_BYTES = 2 * 1024 * 1024
#: Deeper nesting than any schema uses is refused while reading.
MAX_DEPTH = 32
_NULLS = {"", "~", "null", "Null", "NULL"}
_ODD_BREAKS = {0x2028: " ", 0x2029: " ", 0x85: " "}
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
#: Characters no published text may hold, however they were typed (raw, or as YAML escapes
#: such as "\0"): control characters, which Python-Markdown uses for its own placeholders;
#: the bidirectional overrides and isolates that make text read differently from what it
#: is ("Trojan Source"); and U+FFFE and U+FFFF, which are no characters at all, and which
#: no XML file (the feeds, the sitemap) may hold.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffd-\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")

Loc = tuple[str | int, ...]


@dataclass
class Source:
    """One loaded data file: its plain data and the line of every value in it."""

    name: str  # path as people see it, relative to the project root
    data: Any = None
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        """Line of the value at ``loc``, or of its nearest ancestor that exists."""
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)

    def problem(self, loc: Loc, message: str) -> Problem:
        return Problem(self.name, self.line_of(loc), self.where(loc), message)

    def where(self, loc: Loc) -> str:
        """``loc`` as a message names it: the path, then the record it is in, by what the
        person typed: ``services[3].levels[0] (the 4th service, id talk-and-play)``.

        Every located message is made here (``Record.problem`` comes here too), so each
        names its record the same way, warnings included.
        """
        path = format_loc(loc)
        records = describe(self.name, self.data, loc)
        return f"{path} ({records})" if records else path


@dataclass(frozen=True, eq=False)
class Locator:
    """Where one record was typed (``models.Record._locate``): a function from a path
    inside the record to a located problem, which knows the record's file without working
    out the rest (which record it is, in words: a page's banner needs only the file)."""

    source: Source
    prefix: Loc

    @property
    def file(self) -> str:
        return self.source.name

    def __call__(self, loc: Loc, message: str) -> Problem:
        return self.source.problem((*self.prefix, *loc), message)


def format_loc(loc: Loc) -> str:
    """``("services", 3, "name")`` → ``services[3].name``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:  # odd keys (spaces, control characters) are shown quoted and escaped
            out += f"[{part!r}]"
    return out


def ordinal(n: int) -> str:
    """1 → ``1st``, 2 → ``2nd``, 11 → ``11th``, 21 → ``21st``, 1001 → ``1,001st``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


#: What one item of a list of records is called, where the list's key in the singular
#: is not it.
_NOUNS = {
    "timeline": "stage",
    "delivery": "delivery setting",
    "disproportionate_burden": "disproportionate burden",
    "not_in_scope": "item not in scope",
}


def _noun(key: str) -> str:
    """The word for one record of the list ``key``: ``known_issues`` → ``known issue``."""
    if key in _NOUNS:
        return _NOUNS[key]
    words = key.replace("_", " ")
    return words.removesuffix("s") if words.endswith("s") else f"item of {words}"


def _label(noun: str, index: int, item: Any) -> str:
    """``the 4th service, id talk-and-play``: the record by its place counted from one, and
    by its id if it has one that looks right, else by its name or title."""
    label = f"the {ordinal(index + 1)} {noun}"
    if not isinstance(item, dict):
        return label
    ident = item.get("id")
    if isinstance(ident, str) and len(ident) <= MAX_ID and SLUG.fullmatch(ident):
        return f"{label}, id {ident}"
    for key in ("name", "title"):
        name = item.get(key)
        if isinstance(name, str) and name.strip():
            return f"{label}, '{shown(name)}'"
    return label


@functools.cache
def field_models(model: type[BaseModel], key: str) -> tuple[bool, type[BaseModel] | None]:
    """For the field ``key`` of ``model``: whether it is a list of records, and the model of
    its records (or of its value, for a field holding one record). Remembered: a county's
    records ask it 100,000 times."""
    field = model.model_fields.get(key)
    if field is None:
        return False, None
    annotation = field.annotation
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return True, item
        return False, None
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return False, arg
    return False, None


def describe(file: str, data: Any, loc: Loc) -> str:
    """The records that ``loc`` lies in, innermost first, by what the person typed:
    ``the 2nd location, 'Hub', of the 4th service, id talk-and-play``; empty outside a
    list of records (``site.name``) or in a file that is not a data file."""
    key = file.removeprefix("data/")
    folder, _, rest = key.partition("/")
    kind = folders().get(folder, "") if rest else key
    if key == file or kind not in files():
        return ""
    model: type[BaseModel] | None = files()[kind][0]
    labels = []
    i = 0
    while model is not None and i < len(loc) and isinstance(loc[i], str):
        part = str(loc[i])
        data = data.get(part) if isinstance(data, dict) else None
        is_list, inner = field_models(model, part)
        if is_list and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = int(loc[i + 1])
            data = data[index] if isinstance(data, list) and 0 <= index < len(data) else None
            labels.append(_label(_noun(part), index, data))
            i += 2
        else:
            i += 1
        model = inner
    described = ""
    for label in reversed(labels):  # "the 1st location, 'Hub', of the 2nd service, id x"
        described += ("," if "," in described else "") + (" of " if described else "") + label
    return described


def strings(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every piece of text in data as read, with where it is (``services[3].name``)."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, (*loc, key))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from strings(item, (*loc, number))


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that we do not accept in a data file."""


class _Checks:
    """Refuse aliases and deep nesting while composing.

    Refusing aliases means no document expands beyond its own size ("billion laughs");
    stopping at ``MAX_DEPTH`` stops PyYAML's scanner, which slows down quadratically with
    depth, long before ``[[[[…`` could stall a build.
    """

    depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        loader: Any = self  # a loader: these methods come from its parser and composer
        event = loader.peek_event()
        if loader.check_event(AliasEvent):
            raise _Refused(
                problem="anchors and aliases (*name) are not supported; write the value out",
                problem_mark=event.start_mark,
            )
        if self.depth >= MAX_DEPTH:
            raise _Refused(
                problem="nested too deeply to be a data file", problem_mark=event.start_mark
            )
        self.depth += 1
        try:
            node: Node | None = super().compose_node(parent, index)  # type: ignore[misc]
            return node
        finally:
            self.depth -= 1


class _Loader(_Checks, yaml.SafeLoader):
    """PyYAML's pure-Python reader, with the checks: the exact messages for any problem."""


class _FastLoader(_Checks, Composer, CParser, SafeConstructor, Resolver):
    """libyaml's C parser (bundled with PyYAML) under the same Python composer and checks.

    Parsing is what took the time (a county's 11 MB of services: 15 s in pure Python, 3 s
    here); the node tree is the same. A file it finds any problem in is read again with
    ``_Loader``, so messages never depend on which parser ran.
    """

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        Composer.__init__(self)


def load_yaml(path: Path, name: str, memo: Memo | None = None) -> tuple[Source, list[Problem]]:
    """Load one file; return it with the problems found (syntax, encoding, duplicates)."""
    text = _data_text(path, name)
    if isinstance(text, Problem):
        return Source(name), [text]
    return _parse_yaml(text, name, memo=memo)


def _data_text(path: Path, name: str) -> str | Problem:
    """A data file's text, or why it cannot be read: never through a link, never a file
    over the size limit (checked before reading, so a huge file costs nothing)."""
    try:
        found = _not_a_plain_file(path)
        if found:
            return Problem(name, 1, "", found)
        size = path.stat().st_size
        if size > MAX_BYTES:
            msg = f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (2 MB) a data file"
            return Problem(name, 1, "", msg)
        raw = path.read_bytes()
    except OSError as exc:
        return Problem(name, 1, "", f"cannot be read: {exc.strerror}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        msg = f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        return Problem(name, line, "", msg)


def _parse_yaml(
    text: str, name: str, line_offset: int = 0, memo: Memo | None = None
) -> tuple[Source, list[Problem]]:
    """Parse YAML ``text`` (a data file, or a page's front matter ``line_offset`` lines down).

    A memo kept across runs (a preview's) gives back what the same text gave last time, as
    a new ``Source`` of the same data (nothing changes it once read): a rebuild after one
    file changed parses only that file again.
    """
    if memo is None:
        return _parse_yaml_afresh(text, name, line_offset)
    known = memo.parsed.get((name, line_offset))  # or parsed ahead this run (``_parse_ahead``)
    if (known is None or known[0] != text) and not memo.across_runs:
        return _parse_yaml_afresh(text, name, line_offset)
    if known is None or known[0] != text:
        source, found = _parse_yaml_afresh(text, name, line_offset)
        known = memo.parsed[name, line_offset] = (text, source, tuple(found))
        memo.parsed_new.add((name, line_offset))
    memo.used_parsed.add((name, line_offset))
    return replace(known[1]), list(known[2])


def _parse_yaml_afresh(text: str, name: str, line_offset: int) -> tuple[Source, list[Problem]]:
    source = Source(name)
    # Editors do not break lines at U+2028, U+2029 or U+0085 (common in text pasted from
    # Word or PDFs) but YAML 1.1 does, which would shift every line number after them.
    if any(chr(code) in text for code in _ODD_BREAKS):  # rare; translating costs much more
        text = text.translate(_ODD_BREAKS)
    try:
        node = _compose(text)
    except _Refused as exc:
        assert exc.problem_mark is not None
        line = exc.problem_mark.line + 1 + line_offset
        return source, [Problem(name, line, "", str(exc.problem))]
    except yaml.MarkedYAMLError as exc:
        line, message = _syntax_error(exc, text)
        return source, [Problem(name, line + line_offset, "", message)]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line = text[: exc.position].count("\n") + 1 + line_offset
        msg = f"contains a control character (#x{exc.character:04x}) that is not allowed"
        return source, [Problem(name, line, "", msg)]
    except yaml.YAMLError as exc:
        return source, [Problem(name, 1, "", f"YAML error: {' '.join(str(exc).split())[:200]}")]
    found: list[tuple[int, Loc, str]] = []
    if node is not None:
        source.data = _to_python(node, (), source, found, line_offset)
    # made once the data is read, so each names its record (``Source.where``)
    return source, [Problem(name, line, source.where(loc), msg) for line, loc, msg in found]


#: What to do about the commonest slips, by the words of PyYAML's message.
_YAML_HINTS = {
    "mapping values are not allowed": (
        "text with a colon and a space in it (': ') must be in quotes, such as "
        'name: "Speech: help for families"'
    ),
    "could not find expected ':'": (
        "a line that carries on the text above must be indented further than its field's "
        "name; or put the whole text in quotes"
    ),
    "did not find expected key": (
        "check the indentation: each field of a record starts in the same column, two "
        "spaces in from its '- '"
    ),
    "expected <block end>": (
        "check the indentation: each field of a record starts in the same column, and "
        "each '- ' of a list lines up under the one above"
    ),
    "did not find expected '-' indicator": ("each '- ' of a list lines up under the one above"),
    "found undefined alias": "text that starts with '*' must be in quotes",
    "that cannot start any token": ("text that starts with '@' or '`' must be in quotes"),
}


def _yaml_hint(what: str) -> str:
    for words, hint in _YAML_HINTS.items():
        if words in what:
            return f" (hint: {hint})"
    return ""


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """The line of ``text`` (from one) where a person can mend what PyYAML could not read,
    and the message, with a hint for the commonest slips.

    PyYAML points where it gave up, which is not always where the slip is: a quote never
    closed is found at the end of the file, a ``[`` never closed at the next line. Those
    are reported where they opened (``context_mark``); a field indented one space too far
    reads as text carrying on from the line above, so PyYAML's complaint about a colon in
    text is answered with what is really wrong.
    """
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    what = exc.problem or "invalid YAML"
    if exc.context and exc.context not in what:
        what = f"{exc.context}: {what}"
    if "'\\t'" in what:
        what = "a tab is used for indentation; indent with spaces instead"
    hint = _yaml_hint(what)
    opened = exc.context_mark
    if exc.context == "while scanning a quoted scalar" and opened and "unexpected" in what:
        line, hint = opened.line + 1, f" (hint: {_QUOTE_NEVER_CLOSED})"
    elif exc.context in _BRACKETS and opened and exc.problem_mark and "expected ','" in what:
        line = opened.line + 1
        shut = _BRACKETS[exc.context]
        ran_on = exc.problem_mark.line > opened.line or "<stream end>" in what
        hint = f" (hint: {(_NEVER_SHUT if ran_on else _ITEMS_APART).format(*shut)})"
    elif exc.problem_mark and (quoted := _quote_run_on(text, exc.problem_mark.line)):
        line, mark_used = quoted[0] + 1, quoted[1]
        more = _APOSTROPHE if mark_used == "'" else ""
        hint = f" (hint: {_QUOTE_RUNS_ON.format(exc.problem_mark.line + 1)}{more})"
    elif exc.problem_mark and "found '<scalar>'" in what and _after_quote(text, exc.problem_mark):
        hint = f" (hint: {_AFTER_QUOTE})"
    elif exc.problem_mark and (key := _indented_too_far(text, exc.problem_mark.line, what)):
        hint = f" (hint: {_TOO_FAR.format(key)})"
    return line, f"YAML syntax error: {what}{hint}"


_QUOTE_NEVER_CLOSED = (
    "a quote opened here is never closed; end the text with the same quote mark it starts with"
)
_QUOTE_RUNS_ON = (
    "a quote opened on this line is not closed on it, so the text runs on to line {}; end "
    "the text with the same quote mark it starts with"
)
#: What else to say when the quote left open is a single one.
_APOSTROPHE = "; in text inside '…', write each apostrophe as ''"
_AFTER_QUOTE = (
    "text that starts with a quote mark must end with it; to start with a quoted word, put "
    "the whole text in the other quotes, such as name: '\"Talk\" and play'"
)
#: The opening and closing bracket of a flow collection, by PyYAML's context.
_BRACKETS = {
    "while parsing a flow sequence": ("list", "[", "]"),
    "while parsing a flow mapping": ("set of fields", "{", "}"),
}
_NEVER_SHUT = (
    "the {0} opened with '{1}' on this line is never closed; end it with '{2}' on this line"
)
_ITEMS_APART = (
    "put a comma between the items of the {0} in '{1} {2}', and text with a comma or quote "
    "in it in quotes"
)
_TOO_FAR = (
    "this line is indented further than the line above it; start {0} in the same column "
    "as the other fields of its record"
)
#: A line that starts a field: its indent, any "- ", and its name.
_FIELD_LINE = re.compile(r"( *)((?:- +)*)([A-Za-z_][A-Za-z0-9_-]*) *:(?: |$)")


def _field_names() -> frozenset[str]:
    """Every field name of every data file's records."""
    return _names_in(tuple(model for model, _required in files().values()))


@functools.cache
def _names_in(models: tuple[type[BaseModel], ...]) -> frozenset[str]:
    names: set[str] = set()
    todo = list(models)
    while todo:
        model = todo.pop()
        for key in model.model_fields:
            names.add(key)
            inner = field_models(model, key)[1]
            if inner is not None and not inner.model_fields.keys() <= names:
                todo.append(inner)
    return frozenset(names)


def _indented_too_far(text: str, index: int, what: str) -> str | None:
    """The field name on line ``index`` (from zero) when that line starts a field indented
    further than the field on the line above it, which YAML reads as more of that field's
    text (so "mapping values are not allowed here") or as a record inside it."""
    if not ("mapping values are not allowed" in what or "found '<block mapping start>'" in what):
        return None
    lines = text.split("\n")
    here = _FIELD_LINE.match(lines[index]) if index < len(lines) else None
    if not here:
        return None
    column = len(here[1]) + len(here[2])
    for above in reversed(lines[:index]):
        field = _FIELD_LINE.match(above)
        if field:
            before = len(field[1]) + len(field[2])
            known = here[3] in _field_names() or column == before + 1
            return here[3] if column > before and known else None
        if (
            above.strip()
            and not above.lstrip().startswith("#")
            and len(above) - len(above.lstrip(" ")) < column
        ):
            return None  # a line of text less indented than this one: not a field's text
    return None


def _after_quote(text: str, mark: yaml.Mark) -> bool:
    """Whether the text PyYAML did not expect at ``mark`` follows a quoted text on the same
    line (``name: "Talk" and play``)."""
    before = text.split("\n")[mark.line][: mark.column].rstrip()
    return before.endswith(("'", '"')) and bool(re.search(r":\s+['\"]", before))


def _quote_run_on(text: str, index: int) -> tuple[int, str] | None:
    """The line (from zero) where a quoted text that ends on line ``index`` started, and its
    quote mark, when it started on an earlier line: a quote left open, closed only by the
    next quote mark (such as the apostrophe in "Children's")."""
    start = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line > index:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                spans = token.start_mark.line < token.end_mark.line == index
                start = (token.start_mark.line, token.style) if spans else None
    except yaml.YAMLError:
        pass
    return start


def _compose(text: str) -> Node | None:
    """The node tree of ``text``: by libyaml when it can, else (and for every problem,
    whose message must not depend on the parser) by PyYAML's own reader."""
    if not Reader.NON_PRINTABLE.search(text):
        try:
            node: Node | None = _FastLoader(text).get_single_node()
            return node
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=_Loader)


def _to_python(
    node: Node, loc: Loc, source: Source, problems: list[tuple[int, Loc, str]], offset: int = 0
) -> Any:
    """The plain value of ``node``; each problem met is added to ``problems`` as its line,
    where it is and what it is."""
    source.lines.setdefault(loc, node.start_mark.line + 1 + offset)
    if isinstance(node, ScalarNode):
        if not node.style and node.value in _NULLS:  # plain: libyaml says "", PyYAML None
            return None
        value = node.value
        if _SURROGATE.search(value):  # "\ud83d\ude00", as JSON and some exports write 😀
            value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        if bad := FORBIDDEN.search(value):
            problems.append((source.line_of(loc), loc, forbidden_message(bad.group())))
        return value
    if isinstance(node, SequenceNode):
        return [
            _to_python(item, (*loc, i), source, problems, offset)
            for i, item in enumerate(node.value)
        ]
    assert isinstance(node, MappingNode)
    result: dict[str, Any] = {}
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1 + offset
        if not isinstance(key_node, ScalarNode):
            problems.append((line, loc, "a key must be plain text"))
            continue
        key = key_node.value
        if FORBIDDEN.search(key):
            problems.append((line, loc, "a key holds a control character"))
            continue
        if key in first_line:
            msg = f"duplicate key '{key}' (first given on line {first_line[key]})"
            problems.append((line, (*loc, key), msg))
            continue
        first_line[key] = line
        source.lines[(*loc, key)] = line
        result[key] = _to_python(value_node, (*loc, key), source, problems, offset)
    return result


def forbidden_message(char: str) -> str:
    if char == "\ufffd":
        return "contains a broken character (U+FFFD, or half of one written as \\uD8xx)"
    if char in "\ufffe\uffff":
        return f"contains U+{ord(char):04X}, which is not a character; delete it"
    what = "a control character" if ord(char) < 0x2000 else "a text-direction override"
    return f"contains {what} (U+{ord(char):04X}) that cannot be published; delete it"


def _not_a_plain_file(path: Path) -> str | None:
    """Why ``path`` may not be read as a data or content file, if it may not.

    A link could make the build read (and print, in an error) any file on the machine, and
    a device or pipe such as /dev/zero would be read for ever.
    """
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return "is a link; put the file itself here, not a link to it"
    if not stat.S_ISREG(mode):
        return "is not an ordinary file"
    return None


#: What content/ may hold besides markdown pages: documents people download. Anything a
#: browser would run (HTML, SVG, JavaScript) is refused.
DOWNLOADS = {
    ".pdf", ".doc", ".docx", ".odt", ".ods", ".odp", ".rtf", ".txt", ".csv", ".xls", ".xlsx",
    ".ppt", ".pptx", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp3", ".mp4", ".m4a", ".vtt",
}  # fmt: skip
#: A hand-written page larger than this is refused before it is read: the longest real
#: pages are tens of KB, and markdown parsing is not linear in every input.
MAX_PAGE_BYTES = 512 * 1024
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)?")
MAX_PATH = 150


@dataclass
class ContentPage:
    """A markdown page of content/: front matter (as a ``Source``), body and where it starts."""

    name: str  # content/…, as people see it
    meta: Source
    body: str
    body_line: int  # line of the file where ``body`` starts


def load_content(
    content: Path, memo: Memo | None = None
) -> tuple[dict[str, bytes | ContentPage], list[Problem]]:
    """Read every file under ``content/`` (pages and downloads), keyed by relative path.

    Hidden files are skipped. Folders and files may not be links, names must be safe in an
    address (letters, digits, ``-`` and ``_``, one extension), downloads must be of a known
    kind, and markdown pages must be UTF-8 text with no control characters. Front matter is
    read with the same loader as data files, so aliases and deep nesting are refused there
    too.
    """
    files: dict[str, bytes | ContentPage] = {}
    problems: list[Problem] = []
    if not content.exists() and not content.is_symlink():
        return files, problems
    if content.is_symlink() or not content.is_dir():
        return files, [Problem("content", 1, "", "must be a folder, not a link or a file")]
    for folder, dirs, names in os.walk(content):
        here = Path(folder)
        for entry in sorted(dirs):
            path = here / entry
            rel = path.relative_to(content).as_posix()
            if entry.startswith("."):
                dirs.remove(entry)
            elif path.is_symlink():
                dirs.remove(entry)
                problems.append(
                    Problem(f"content/{rel}", 1, "", "is a link; put the folder itself here")
                )
            elif not _SEGMENT.fullmatch(entry) or "." in entry:
                dirs.remove(entry)
                problems.append(Problem(f"content/{rel}", 1, "", _name_message(entry, folder=True)))
        for entry in sorted(names):
            if entry.startswith("."):
                continue
            path = here / entry
            rel = path.relative_to(content).as_posix()
            name = f"content/{rel}"
            suffix = Path(entry).suffix.lower()
            found = _not_a_plain_file(path)
            if not found and not _SEGMENT.fullmatch(entry):
                found = _name_message(entry, folder=False)
            elif not found and len(rel) > MAX_PATH:
                found = f"the path is {len(rel)} characters long; keep it under {MAX_PATH}"
            elif not found and suffix == ".md" and path.stat().st_size > MAX_PAGE_BYTES:
                size = path.stat().st_size
                found = f"page is {size:,} bytes; the limit is {MAX_PAGE_BYTES:,} bytes a page"
            elif not found and suffix != ".md" and suffix not in DOWNLOADS:
                kinds = ", ".join(sorted(DOWNLOADS))
                found = (
                    f"files of type '{suffix or entry}' cannot be published; allowed: .md, {kinds}"
                )
            if found:
                problems.append(Problem(name, 1, "", found))
                continue
            data = path.read_bytes()
            if suffix == ".md":
                page = _content_page(name, data, problems, memo)
                if page is not None:
                    files[rel] = page
            else:
                files[rel] = data
    return dict(sorted(files.items())), problems


def _name_message(entry: str, *, folder: bool) -> str:
    what = "folder" if folder else "file"
    shape = "" if folder else " and one extension, like plan-2024.pdf"
    return (
        f"the {what} name '{entry}' cannot be used in a web address; use letters, digits, "
        f"'-' and '_'{shape}"
    )


_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.S)


def _content_page(
    name: str, data: bytes, problems: list[Problem], memo: Memo | None = None
) -> ContentPage | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(name, line, "", "is not UTF-8 text; save it as UTF-8"))
        return None
    text = text.replace("\r\n", "\n").translate(_ODD_BREAKS)
    if bad := FORBIDDEN.search(text):
        line = text[: bad.start()].count("\n") + 1
        problems.append(Problem(name, line, "", forbidden_message(bad.group())))
        return None
    meta = Source(name, {})
    body, body_line = text, 1
    if match := _FRONT.match(text):
        meta, found = _parse_yaml(match.group(1) or "", name, 1, memo)
        problems += found
        body = text[match.end() :]
        body_line = text[: match.end()].count("\n") + 1
    return ContentPage(name, meta, body, body_line)


@dataclass
class Loaded:
    """Everything read from a project: its data files parsed, its content/ files, and the
    problems met while reading (syntax, encoding, links, names)."""

    #: The files present, by path under data/ (``services.yaml``, ``services/acme.yaml``),
    #: in reading order: each data file, then the files of its folder sorted by name.
    sources: dict[str, Source]
    content: dict[str, bytes | ContentPage]
    problems: list[Problem]


def kind_of(key: str) -> str:
    """The data file whose shape a source has: ``services/acme.yaml`` → ``services.yaml``."""
    folder, _, rest = key.partition("/")
    return folders()[folder] if rest else key


#: Files of ``data/`` that a command reads, not the site: ``import-oruk``'s mapping of a
#: source's terms to this site's (generator/importer.py), which a council edits.
TOOL_FILES = frozenset({"oruk-mapping.yaml"})


def load_all(root: Path, *, memo: Memo | None = None) -> Loaded:
    """Read ``data/*.yaml``, the folders of ``kinds.folders()`` and ``content/``; an unknown data
    file is a problem too."""
    data_dir = root / "data"
    if data_dir.is_symlink():
        raise DataError([Problem("data", 1, "", "is a link; put the folder itself here")])
    if not data_dir.is_dir():
        raise DataError([Problem("data", 1, "", "folder is missing; it holds the YAML records")])
    problems: list[Problem] = []
    for path in sorted(data_dir.iterdir()):
        name = path.name
        known = name in files() or name in folders() or name in TOOL_FILES
        if not known and not name.startswith("."):
            close = difflib.get_close_matches(name, files(), n=1)
            hint = f"did you mean {close[0]}?" if close else f"expected {', '.join(files())}"
            problems.append(Problem(f"data/{name}", 1, "", f"unknown data file; {hint}"))
    memo = memo or Memo()
    _parse_ahead(data_dir, memo)
    sources = {}
    for name in files():
        path = data_dir / name
        if path.exists() or path.is_symlink():
            sources[name], found = load_yaml(path, f"data/{name}", memo)
            problems += found
        for folder in (f for f, file in folders().items() if file == name):
            found_sources, found = load_folder(data_dir / folder, folder, memo)
            sources.update(found_sources)
            problems += found
    content, found = load_content(root / "content", memo)
    if not memo.across_runs:  # parsed ahead for this run only: nothing kept for another
        memo.parsed.clear()
        memo.parsed_new.clear()
        memo.used_parsed.clear()
    return Loaded(sources, content, problems + found)


def _parse_ahead(data_dir: Path, memo: Memo) -> None:
    """The data files parsed on two cores (``parallel``) into ``memo`` before they are
    loaded one by one, which then find each there: parsing is most of loading a county.
    Only ordinary files of the right names and sizes, in UTF-8, whose text is not there
    yet; anything else is left for loading to read, and report."""
    paths = [(data_dir / name, f"data/{name}") for name in files()]
    for folder in folders():
        with suppress(OSError):
            if (data_dir / folder).is_dir() and not (data_dir / folder).is_symlink():
                found = sorted((data_dir / folder).iterdir(), key=lambda p: p.name)
                paths += [(p, f"data/{folder}/{p.name}") for p in found]
    todo: list[tuple[str, str]] = []
    for path, name in paths:
        if _data_name_problem(path.name) or not path.exists():
            continue
        text = _data_text(path, name)  # a file that cannot be read is reported when loaded
        known = memo.parsed.get((name, 0))
        if isinstance(text, str) and (known is None or known[0] != text):
            todo.append((name, text))

    def parse(item: tuple[str, str]) -> tuple[Source, list[Problem]] | None:
        try:
            return _parse_yaml_afresh(item[1], item[0], 0)
        except Exception:  # met again, and reported, when the file is loaded
            return None

    for (name, text), parsed in zip(todo, in_two(todo, parse, least=4), strict=True):
        if parsed is not None:
            memo.parsed[name, 0] = (text, parsed[0], tuple(parsed[1]))
            memo.parsed_new.add((name, 0))


def load_folder(
    folder: Path, name: str, memo: Memo | None = None
) -> tuple[dict[str, Source], list[Problem]]:
    """Read the ``*.yaml`` files of ``data/<name>/``, sorted by file name.

    Each file is a data file of its own: the same size limit, the same checks. The folder
    may not be a link, and holds nothing but ``.yaml`` files (hidden ones are skipped)
    whose names use letters, digits, ``-`` and ``_``: no folders, links, devices or other
    kinds of file, so nothing from elsewhere on the machine is read.
    """
    sources: dict[str, Source] = {}
    if not folder.exists() and not folder.is_symlink():
        return sources, []
    if folder.is_symlink():
        return sources, [Problem(f"data/{name}", 1, "", "is a link; put the folder itself here")]
    if not folder.is_dir():
        msg = "must be a folder of .yaml files, not a file"
        return sources, [Problem(f"data/{name}", 1, "", msg)]
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        return sources, [Problem(f"data/{name}", 1, "", f"cannot be read: {exc.strerror}")]
    problems: list[Problem] = []
    for path in entries:
        entry = path.name
        if entry.startswith("."):
            continue
        key = f"{name}/{entry}"
        if path.is_dir() and not path.is_symlink():
            message: str | None = f"is a folder; put the .yaml files straight in data/{name}/"
        else:
            message = _not_a_plain_file(path) or _data_name_problem(entry)
        if message:
            problems.append(Problem(f"data/{key}", 1, "", message))
        else:
            sources[key], found = load_yaml(path, f"data/{key}", memo)
            problems += found
    return sources, problems


def _data_name_problem(entry: str) -> str | None:
    """Why a file of a data folder is not read because of its name, if it is not."""
    if _SEGMENT.fullmatch(entry) and entry.endswith(".yaml"):
        return None
    if _SEGMENT.fullmatch(entry) and entry.endswith(".yml"):
        return f"rename it to {entry[:-4]}.yaml: only files ending in .yaml are read"
    return (
        f"the file name '{entry}' cannot be used; name each file with letters, digits, "
        "'-' and '_' and end it in .yaml, like provider-name.yaml"
    )
