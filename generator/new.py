"""``python -m generator new KIND``: add a record, with comments, to the right data file.

It asks for the essentials a record cannot do without (or takes them as ``--set
field=value``), picks an id from the name that no record uses yet, and adds the record at
the end of the file's list: the file's own text, comments and order are kept byte for byte,
and only the new record's lines are written (by ruamel.yaml, which quotes what YAML needs
quoted). The whole project is then checked; if the record is not valid, the file is put
back as it was and every problem is shown, so nothing is lost.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from .errors import DataError, Problem
from .schema import modeline
from .validate import load_project


@dataclass(frozen=True)
class Field:
    """One value ``new`` asks for: where it goes in the record, the question, and its kind
    (``text``, ``markdown``, ``date``, ``yes/no``, ``list`` or a vocabulary's name, whose
    ids are offered)."""

    path: str  # dotted, as in --set: access.referral_route
    question: str
    kind: str = "text"
    optional: bool = False


_CHECKED = ("today", "set by `new`: the day you checked the details with the service")
_PUBLISHED = ("today", "set by `new`: the day it is published")

#: For each kind: (data file, key of its list, field the id is made from, the fields asked
#: for, and the fields set by ``new`` with the comment it writes beside them).
KINDS: dict[str, tuple[str, str, str, list[Field], dict[str, tuple[str, str]]]] = {
    "service": ("services.yaml", "services", "name", [
        Field("name", "Name of the service"),
        Field("organisation", "Who runs it"),
        Field("description", "What it does, for families (markdown)", "markdown"),
        Field("discipline", "Type of help", "disciplines"),
        Field("levels", "Levels (comma between)", "levels"),
        Field("strands", "Balanced System strands (comma between)", "strands"),
        Field("audiences", "Who it is for (comma between)", "audiences"),
        Field("eligibility", "Who can use it"),
        Field("access.referral_route", "How to get it"),
        Field("access.self_referral", "Can families contact it themselves? (yes/no)", "yes/no"),
        Field("contact.phone", "Phone number", optional=True),
        Field("contact.email", "Email address", optional=True),
        Field("delivery", "Where it happens (comma between)", "delivery"),
        Field("areas", "Areas it serves (comma between)", "areas"),
    ], {"last_reviewed": _CHECKED}),
    "update": ("updates.yaml", "updates", "title", [
        Field("title", "Title"),
        Field("summary", "One or two sentences for lists"),
        Field("body", "The update itself (markdown)", "markdown"),
        Field("audiences", "Who it is for (comma between)", "audiences"),
    ], {"date": _PUBLISHED}),
    "survey": ("surveys.yaml", "surveys", "title", [
        Field("title", "Title"),
        Field("kind", "survey, consultation or event"),
        Field("summary", "What it is about"),
        Field("link", "Web address where people take part"),
        Field("opens", "Opens on (YYYY-MM-DD)", "date"),
        Field("closes", "Closes on (YYYY-MM-DD)", "date"),
        Field("audiences", "Who it is for (comma between)", "audiences"),
        Field("other_ways", "How to take part without the internet"),
    ], {}),
    "document": ("documents.yaml", "documents", "title", [
        Field("title", "Title"),
        Field("summary", "What it is about"),
        Field("audiences", "Who it is for (comma between)", "audiences"),
        Field("url", "Web address of the document"),
        Field("format", "Format, such as PDF"),
        Field("size", "Size, such as 1.2 MB"),
    ], {"date": _PUBLISHED}),
    "stage": ("timeline.yaml", "timeline", "title", [
        Field("title", "Title"),
        Field("start", "Starts on (YYYY-MM-DD)", "date"),
        Field("summary", "What happens in this stage"),
    ], {}),
}  # fmt: skip


def add_record(
    root: Path,
    kind: str,
    given: dict[str, str],
    today: date,
    ask: Callable[[str], str] | None = None,
    file: str | None = None,
) -> tuple[str, Problem]:
    """Add a ``kind`` record to ``root``'s data; return its id and where it was written.

    ``given`` holds the ``--set`` values; ``ask`` (``input``) is asked for the rest, or,
    without it, a missing value is a problem. ``file`` is another file of the kind's folder
    (``services/acme.yaml``). Raises ``DataError`` and leaves the file as it was if the
    record, or the project with it, is not valid.
    """
    name, key, named_by, fields, fixed = KINDS[kind]
    name = file or name
    project = load_project(root)  # the project must be valid first: ids and terms come from it
    unknown = sorted(set(given) - {f.path for f in fields})
    if unknown:
        allowed = ", ".join(f.path for f in fields)
        raise DataError([Problem(f"data/{name}", 1, "", f"new {kind} has no field "
                                 f"{', '.join(unknown)}; it takes {allowed}")])  # fmt: skip
    record = CommentedMap()
    taken = {r.id for r in getattr(project, key)}
    for field in fields:
        value = given.get(field.path)
        if value is None and ask is not None:
            value = ask(_question(field, project))
        if not value:
            if field.optional:
                continue
            msg = f"{field.path} is needed: give it with --set {field.path}=…"
            raise DataError([Problem(f"data/{name}", 1, "", msg)])
        if field.path == named_by:
            record["id"] = _free_id(value, taken)
        _put(record, field.path, _typed(field, value))
    for field_name, (value, comment) in fixed.items():
        record[field_name] = today if value == "today" else value
        record.yaml_add_eol_comment(comment, field_name)
    record.move_to_end("id", last=False)
    path = root / "data" / name
    existed = path.exists()
    before = path.read_text(encoding="utf-8") if existed else f"{modeline(name)}\n{key}:\n"
    text = before.rstrip("\n") + "\n" + _dumped(record, kind, today)
    path.write_text(text, encoding="utf-8")
    try:
        after = load_project(root)
    except DataError:
        if existed:
            path.write_text(before, encoding="utf-8")  # nothing lost: the file as it was
        else:
            path.unlink()
        raise
    added = next(r for r in getattr(after, key) if r.id == record["id"])
    return str(record["id"]), added.problem("id", "")


def _question(field: Field, project: Any) -> str:
    terms = getattr(project.vocabularies, field.kind, None)
    choices = f" [{', '.join(t.id for t in terms)}]" if terms else ""
    optional = " (optional, Enter to leave out)" if field.optional else ""
    return f"{field.question}{choices}{optional}: "


def _free_id(text: str, taken: set[str]) -> str:
    """An id made from ``text`` (lower case, hyphens, at most 60 characters) no record has."""
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50].strip("-") or "record"
    found, number = base, 2
    while found in taken:
        found, number = f"{base}-{number}", number + 1
    return found


def _typed(field: Field, value: str) -> Any:
    if field.kind == "markdown":
        return LiteralScalarString(value.replace("\\n", "\n").rstrip("\n") + "\n")
    if field.kind == "date":
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return value  # check says what is wrong with it, at its line
    if field.kind == "yes/no":
        return value.strip().lower() in ("yes", "y", "true")
    if field.kind == "text":
        return value.strip()
    items = CommentedSeq(v.strip() for v in value.split(",") if v.strip())
    if field.kind == "disciplines":
        return items[0] if items else ""
    items.fa.set_flow_style()
    return items


def _put(record: CommentedMap, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    here = record
    for part in parents:
        here = here.setdefault(part, CommentedMap())
    here[last] = value


def _dumped(record: CommentedMap, kind: str, today: date) -> str:
    """The record as the lines of one more item of the file's list."""
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    items = CommentedSeq([record])
    items.yaml_set_start_comment(
        f"Added by `python -m generator new {kind}` on {today}: read it through."
    )
    out = io.StringIO()
    yaml.dump(items, out)
    return (
        "\n".join(
            ("  " + line if line.startswith("#") else line) for line in out.getvalue().splitlines()
        )
        + "\n"
    )
