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

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem

#: Files larger than this are refused before parsing: real data files are a few hundred KB,
#: and parsing tens of MB of YAML in pure Python would stall a build for minutes.
MAX_BYTES = 2 * 1024 * 1024
#: Deeper nesting than any schema uses is refused while reading.
MAX_DEPTH = 32
_NULLS = {"", "~", "null", "Null", "NULL"}
_ODD_BREAKS = {0x2028: " ", 0x2029: " ", 0x85: " "}
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")

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
        return Problem(self.name, self.line_of(loc), format_loc(loc), message)


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


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that we do not accept in a data file."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and deep nesting while it reads.

    Refusing aliases means no document expands beyond its own size ("billion laughs");
    stopping at ``MAX_DEPTH`` stops PyYAML's scanner, which slows down quadratically with
    depth, long before ``[[[[…`` could stall a build.
    """

    depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if self.check_event(AliasEvent):
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
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_yaml(path: Path, name: str) -> tuple[Source, list[Problem]]:
    """Load one file; return it with the problems found (syntax, encoding, duplicates)."""
    source = Source(name)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # checked before reading, so a huge file costs nothing
            msg = f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (2 MB) a data file"
            return source, [Problem(name, 1, "", msg)]
        raw = path.read_bytes()
    except OSError as exc:
        return source, [Problem(name, 1, "", f"cannot be read: {exc.strerror}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        msg = f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        return source, [Problem(name, line, "", msg)]
    # Editors do not break lines at U+2028, U+2029 or U+0085 (common in text pasted from
    # Word or PDFs) but YAML 1.1 does, which would shift every line number after them.
    text = text.translate(_ODD_BREAKS)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except _Refused as exc:
        assert exc.problem_mark is not None
        return source, [Problem(name, exc.problem_mark.line + 1, "", str(exc.problem))]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or "invalid YAML"
        if exc.context and exc.context not in what:
            what = f"{exc.context}: {what}"
        if "'\\t'" in what:
            what = "a tab is used for indentation; indent with spaces instead"
        return source, [Problem(name, line, "", f"YAML syntax error: {what}")]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line = text[: exc.position].count("\n") + 1
        msg = f"contains a control character (#x{exc.character:04x}) that is not allowed"
        return source, [Problem(name, line, "", msg)]
    except yaml.YAMLError as exc:
        return source, [Problem(name, 1, "", f"YAML error: {' '.join(str(exc).split())}")]
    problems: list[Problem] = []
    if node is not None:
        source.data = _to_python(node, (), source, problems)
    return source, problems


def _to_python(node: Node, loc: Loc, source: Source, problems: list[Problem]) -> Any:
    source.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, ScalarNode):
        if node.style is None and node.value in _NULLS:
            return None
        return node.value
    if isinstance(node, SequenceNode):
        return [_to_python(item, (*loc, i), source, problems) for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    result: dict[str, Any] = {}
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, ScalarNode):
            problems.append(Problem(source.name, line, format_loc(loc), "a key must be plain text"))
            continue
        key = key_node.value
        if key in first_line:
            msg = f"duplicate key '{key}' (first given on line {first_line[key]})"
            problems.append(Problem(source.name, line, format_loc((*loc, key)), msg))
            continue
        first_line[key] = line
        source.lines[(*loc, key)] = line
        result[key] = _to_python(value_node, (*loc, key), source, problems)
    return result


def load_content(content: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """Read every file under ``content/`` (pages and downloads), keyed by relative path.

    Hidden files are skipped; markdown pages must be UTF-8 and files may not be links that
    lead outside the folder, so nothing from elsewhere on the machine gets published.
    """
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    if not content.is_dir():
        return files, problems
    top = content.resolve()
    for path in sorted(content.rglob("*")):
        rel = path.relative_to(content).as_posix()
        if any(part.startswith(".") for part in rel.split("/")) or not path.is_file():
            continue
        name = f"content/{rel}"
        if not path.resolve().is_relative_to(top):
            problems.append(Problem(name, 1, "", "is a link to a file outside content/"))
            continue
        data = path.read_bytes()
        if path.suffix == ".md":
            try:
                data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                problems.append(Problem(name, line, "", "is not UTF-8 text; save it as UTF-8"))
                continue
        files[rel] = data
    return files, problems
