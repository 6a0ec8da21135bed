"""``python -m generator new KIND``: add a record, with comments, to the right data file.

Every value is checked as it is given, typed at the prompt or as ``--set field=value``, by
the models that ``check`` uses and in its words; a wrong answer is asked for again, so
nothing typed is lost. A blank answer leaves an optional field out: the record says only
what was given, never a default. Markdown fields take several lines at the prompt, or a
file (``--set body=@news.md``).

The record is added after the last one of the file's list, in the file's own style (its
line ends, the column its items start in) and with every other byte kept. The new text is
written to a hidden file beside the data file and the whole project checked with it, as
``check`` checks it (pages, page names and links included); only then is it swapped in
(``os.replace``). A refused or interrupted run (Ctrl-C, SIGTERM) leaves the data file as
it was, and removes a file or folder it started.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import re
import secrets
import stat
import sys
import typing
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import NoneType, UnionType
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from . import kinds, models
from .errors import (
    BuildError,
    DataError,
    GeneratorError,
    Problem,
    printable,
    shown,
    stoppable,
    stopped_code,
)
from .kinds import Kind
from .kinds import Question as Field
from .load import (
    _ODD_BREAKS,
    FORBIDDEN,
    Loc,
    Source,
    _data_name_problem,
    _not_a_plain_file,
    forbidden_message,
    format_loc,
    kind_of,
    load_all,
    load_yaml,
    strings,
)
from .model import build_model
from .pipeline import check
from .render import environment, render_site
from .routes import Route, check_names, routes
from .schema import modeline
from .validate import (
    Project,
    _choices,
    _inner_model,
    _message,
    _raw,
    _terms_context,
    validate,
)


class NotAdded(GeneratorError):
    """``new`` added nothing, and the data file is as it was; ``lines`` say why, one a line
    (``counted``: problems, counted after them, with ``note``; else one refusal)."""

    exit_code = 1

    def __init__(self, lines: list[str], *, counted: bool = True, note: str = "") -> None:
        self.lines, self.counted, self.note = lines, counted, note
        super().__init__("\n".join(lines))


Ask = Callable[[str], str]
Tell = Callable[[str], None]


def command(root: Path, kind: str, sets: list[str], file: str | None, today: date) -> int:
    """``python -m generator new KIND [--set FIELD=VALUE]… [--file FILE]``: asks at a
    terminal for what is not set; prints what was added, or why nothing was, and returns
    the exit code (1: nothing added; 2: a file could not be written; 130: stopped)."""
    given: dict[str, str] = {}
    for item in sets:
        name, equals, value = item.partition("=")
        if not equals:
            said = f"--set {printable(shown(item))}"
            print(f"{said}: write it as --set FIELD=VALUE, such as --set cost=Free; "
                  "nothing was added.", file=sys.stderr)  # fmt: skip
            return 1
        given[name.strip()] = value
    ask: Ask | None = None
    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing, and the up arrow for the last answer)
        ask = input
    try:
        made, at = add_record(root, kind, given, today, ask, file)
    except NotAdded as exc:
        for line in exc.lines[:-1] if not exc.counted else exc.lines:
            print(printable(line), file=sys.stderr)
        if exc.counted:
            found = f"{len(exc.lines)} problem{'s' if len(exc.lines) != 1 else ''} found"
            print(f"{found}; nothing was added{exc.note}.", file=sys.stderr)
        else:
            print(f"{printable(exc.lines[-1])}; nothing was added.", file=sys.stderr)
        return exc.exit_code
    except DataError as exc:
        print(exc, file=sys.stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found; nothing was added.",
              file=sys.stderr)  # fmt: skip
        return exc.exit_code
    except BuildError as exc:
        print("\n".join(printable(line) for line in str(exc).splitlines()), file=sys.stderr)
        print("Nothing was added.", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a read-only or full disk
        named = exc.filename if isinstance(exc.filename, str) else "a file"
        print(f"cannot write {printable(named)}: {exc.strerror or exc}; nothing was added.",
              file=sys.stderr)  # fmt: skip
        return 2
    except (KeyboardInterrupt, EOFError) as exc:
        print("\nStopped: nothing was added.", file=sys.stderr)
        return stopped_code(exc)
    print(f"ok: added {kind} '{made}' at {at.file}:{at.line}; read it through, then run check")
    return 0


def add_record(
    root: Path,
    kind: str,
    given: dict[str, str],
    today: date,
    ask: Ask | None = None,
    file: str | None = None,
    tell: Tell = print,
) -> tuple[str, Problem]:
    """Add a ``kind`` record to ``root``'s data; return its id and where it was written.

    ``given`` holds the ``--set`` values; ``ask`` (``input``) is asked for the rest and
    for any value that is not valid, with ``tell`` saying what is wrong. Without ``ask``,
    every problem with the values is raised at once (``NotAdded``). ``file`` is a data
    file of the kind under ``data/`` (``services/acme.yaml``). Raises ``NotAdded`` or
    ``DataError``, and leaves the data files as they were, if the record or the project
    with it is not valid.
    """
    spec = kinds.kind(kind)
    key = data_file(kind, file)
    path = root / "data" / key
    _refuse_links(root, key)
    settable = [f.path for f in spec.fields if not f.parts]
    unknown = sorted(set(given) - set(settable))
    if unknown:
        line = f"new {kind} has no field {', '.join(unknown)}; it takes {', '.join(settable)}"
        raise NotAdded([line], counted=False)
    try:  # the project must check first: ids and terms come from it
        outcome = check(root, today)
    except DataError as exc:
        note = ": new adds a record only to a project that checks, so put these right first"
        raise NotAdded([str(p) for p in exc.problems], note=note) from None
    form = _Form(spec, outcome.project, given, ask, tell)
    form.fill()
    with stoppable():
        return _write(root, key, path, spec, kind, form, outcome.project, outcome.site, today)


# --- which file ---------------------------------------------------------------------------


def data_file(kind: str, file: str | None) -> str:
    """The data file ``--file`` names, as a path under ``data/``, or ``NotAdded``'s one
    line saying why it may not be written: only a data file of the kind's own, inside
    ``data/`` (``services.yaml`` or ``services/NAME.yaml`` for services)."""
    spec = kinds.kind(kind)
    if file is None:
        return spec.file
    folders = [spec.key] if spec.folder else []
    allowed = f"new {kind} writes only to data/{spec.file}" + "".join(
        f" or a file of data/{folder}/, such as --file {folder}/acme.yaml" for folder in folders
    )
    named = f"--file {_named(file) or repr(file)}"

    def refuse(why: str) -> NotAdded:
        return NotAdded([f"{named}: {why}; {allowed}"], counted=False)

    if file.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", file):
        raise refuse("give a path inside data/, not an absolute path")
    if "\\" in file:
        raise refuse("write the path with '/' between its parts")
    parts = file.split("/")
    if parts[0] == "data" and len(parts) > 1:  # a path from the project folder
        parts = parts[1:]
    if ".." in parts:
        raise refuse("'..' leads out of data/")
    if any(part in ("", ".") for part in parts):
        raise refuse("that is not the name of a file")
    if any(part.startswith(".") for part in parts):
        raise refuse("names starting with '.' are hidden, and check does not read them")
    key = "/".join(parts)
    if len(parts) == 1 and parts[0] == spec.file:
        return key
    if len(parts) == 2 and parts[0] in folders:
        found = _data_name_problem(parts[1])
        if found:
            raise refuse(found)
        return key
    if not key.endswith(".yaml"):
        raise refuse("that is not a .yaml data file")
    if len(parts) == 1 and parts[0] in kinds.files():
        raise refuse(f"data/{key} does not hold {spec.key}")
    raise refuse(f"data/{key} is not a data file of {spec.key}")


def _refuse_links(root: Path, key: str) -> None:
    """No link, and nothing but a folder or an ordinary file, on the way to the file."""
    here = root / "data"
    shown_as = "data"
    for part in key.split("/"):
        if here.is_symlink() or (here.exists() and not here.is_dir()):
            why = "is a link" if here.is_symlink() else "is not a folder"
            raise NotAdded([f"{shown_as} {why}; nothing can be added to it"], counted=False)
        here, shown_as = here / part, f"{shown_as}/{part}"
    if here.is_symlink() or here.exists():
        found = _not_a_plain_file(here)
        if found:
            raise NotAdded([f"{shown_as} {found}"], counted=False)


# --- what each field is, from the models --------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What a field holds, read from its model: ``text``, ``markdown``, ``yes/no``,
    ``date``, ``number``, ``choice`` (one of ``choices``), ``term`` or ``terms`` (ids of
    ``vocabulary``), ``list`` (of text) or ``records`` (of ``model``)."""

    kind: str
    required: bool
    choices: tuple[str, ...] = ()
    vocabulary: str = ""
    model: type[BaseModel] | None = None


def _unwrapped(annotation: Any) -> tuple[Any, list[Any]]:
    """The type under ``Annotated`` and ``| None``, with the metadata met on the way."""
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            metadata += annotation.__metadata__
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not NoneType]
            if len(rest) != 1:
                return annotation, metadata
            annotation = rest[0]
        else:
            return annotation, metadata


def _vocabulary(metadata: list[Any]) -> str:
    for item in metadata:
        if isinstance(item, models._Checked) and "x-vocabulary" in item.keywords:
            return str(item.keywords["x-vocabulary"])
    return ""


def shape(model: type[BaseModel], path: str) -> Shape:
    """What the field at dotted ``path`` of ``model`` holds, and whether it is required."""
    *parents, name = path.split(".")
    for part in parents:
        inner = _inner_model(model.model_fields[part].annotation)
        assert inner is not None, path
        model = inner
    info = model.model_fields[name]
    base, metadata = _unwrapped(info.annotation)
    metadata += info.metadata
    required = info.is_required()
    if base is bool:
        return Shape("yes/no", required)
    if base is date:
        return Shape("date", required)
    if base is int:
        return Shape("number", required)
    if typing.get_origin(base) is typing.Literal:
        return Shape("choice", required, tuple(str(c) for c in typing.get_args(base)))
    if typing.get_origin(base) is list:
        item, item_metadata = _unwrapped(typing.get_args(base)[0])
        if isinstance(item, type) and issubclass(item, BaseModel):
            return Shape("records", required, model=item)
        vocabulary = _vocabulary(item_metadata)
        return Shape("terms" if vocabulary else "list", required, vocabulary=vocabulary)
    vocabulary = _vocabulary(metadata)
    if vocabulary:
        return Shape("term", required, vocabulary=vocabulary)
    if any(getattr(item, "func", None) is models.prose_html for item in metadata):
        return Shape("markdown", required)
    return Shape("text", required)


# --- asking -------------------------------------------------------------------------------

_ENDS = "as many lines as you need, in markdown; end with a line holding only a full stop (.)"
_YES_NO: TypeAdapter[bool] = TypeAdapter(bool)


class _Unreadable(Exception):
    """A value that cannot be taken as it is given (``@file`` that is not there)."""


class _Form:
    """The record being made: its values as ``load`` would read them from a file (text,
    lists of text), asked for or taken from ``--set``, each checked as it comes."""

    def __init__(
        self, kind: Kind, project: Project, given: dict[str, str], ask: Ask | None, tell: Tell
    ) -> None:
        self.kind, self.model = kind, kind.model
        self.vocabularies = project.vocabularies
        self.context = _terms_context(project.vocabularies)
        self.given, self.ask, self.tell = dict(given), ask, tell
        self.raw: dict[str, Any] = {}
        self.problems: list[str] = []  # without ``ask``: every problem, said at the end
        self.asked: list[Loc] = []  # every field given a value, in order
        self.unreadable: list[Loc] = []  # ``@file`` values that could not be read

    # the record as a whole

    def fill(self) -> None:
        """Take or ask for every field, then check the record as a whole (rules across
        fields: a way to get in touch, ages or dates in order) until it is valid."""
        for number, field in enumerate(self.kind.fields):
            loc = tuple(field.path.split("."))
            if field.parts:
                self._records(loc, field)
                continue
            self.answer(loc)
            later = [tuple(f.path.split(".")) for f in self.kind.fields[number + 1 :]]
            for depth in range(len(loc) - 1, 0, -1):  # a group whose last field this is
                if not any(other[:depth] == loc[:depth] for other in later):
                    self._settle(loc[:depth])
        while True:
            errors = self.errors(self.whole("id-to-come", date(2000, 1, 1)))
            if not errors:
                break
            if self.ask is None:
                self.problems += [self._said(loc, message) for loc, message in errors]
                break
            self.again(errors)
        if self.problems:
            raise NotAdded(self.problems)

    def again(self, errors: list[tuple[Loc, str]]) -> None:
        """Say what is wrong with the record, and ask again for the fields concerned."""
        hit: list[Loc] = []
        for loc, message in errors:
            self.tell(self._said(loc, message))
            hit += [found for found in self.hits(loc, message) if found not in hit]
        if not hit:  # nothing a person can answer again: refuse
            raise NotAdded([self._said(loc, message) for loc, message in errors])
        for loc in sorted(hit, key=self._order):
            self.answer(loc, again=True)

    def whole(self, ident: str, today: date) -> dict[str, Any]:
        """The record as ``load`` will read it: the values, its id and the fixed fields."""
        fixed = {name: today.isoformat() for name, _comment in self.kind.fixed}
        return {"id": ident, **self.raw, **fixed}

    def errors(self, raw: dict[str, Any]) -> list[tuple[Loc, str]]:
        """What ``check`` would say about ``raw``, in its words: (where, what) pairs."""
        found = [
            (loc, forbidden_message(bad.group()))
            for loc, text in strings(raw)
            if (bad := FORBIDDEN.search(text))
        ]
        try:
            self.model.model_validate(raw, context=self.context)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = tuple(error["loc"])
                if loc and isinstance(loc[-1], int) and _one_item(raw, loc[:-1]):
                    loc = loc[:-1]  # one id typed bare, as "levels: universal" is in a file
                if loc not in self.unreadable:
                    found.append((loc, _message(error, self.model, loc)))
        return found

    def hits(self, loc: Loc, message: str) -> list[Loc]:
        """The fields to ask again for a problem at ``loc``: the field it is in, or, for a
        rule across fields (``contact``, or the whole record), those it names."""
        for asked in self.asked:
            if loc[: len(asked)] == asked:
                return [asked]
        under = [asked for asked in self.asked if asked[: len(loc)] == loc]
        named = [a for a in under if re.search(rf"\b{re.escape(str(a[-1]))}\b", message)]
        return named or ([] if not loc else under)

    def _order(self, loc: Loc) -> int:
        return self.asked.index(loc) if loc in self.asked else len(self.asked)

    def _said(self, loc: Loc, message: str) -> str:
        where = format_loc(loc)
        if self.ask is None and message.startswith("is missing") and loc in self._settable():
            message += f" (give it with --set {where}=…)"
        return f"{where}: {message}" if where else message

    def _settable(self) -> list[Loc]:
        return [tuple(f.path.split(".")) for f in self.kind.fields if not f.parts]

    def _settle(self, group: Loc) -> None:
        """Once the last field of ``group`` (``contact``) is given: its own rules, such as
        "at least one of phone, email or web", asking again for its fields until they hold."""
        while self.ask is not None:
            errors = [(loc, m) for loc, m in self.errors(self.raw) if loc == group]
            if not errors:
                return
            self.again(errors)

    # one field

    def _field_of(self, loc: Loc) -> tuple[Field, Shape]:
        """The ``Field`` asked at ``loc`` and its shape (``locations[0].name`` too)."""
        if len(loc) >= 3 and isinstance(loc[-2], int):
            top = next(f for f in self.kind.fields if f.path == _dotted(loc[:-2]))
            outer = shape(self.model, top.path)
            assert outer.model is not None
            part = next(p for p in top.parts if p.path == loc[-1])
            return part, shape(outer.model, part.path)
        field = next(f for f in self.kind.fields if f.path == _dotted(loc))
        return field, shape(self.model, field.path)

    def answer(self, loc: Loc, *, again: bool = False, first: Field | None = None) -> Any:
        """Take the field at ``loc`` from ``--set``, or ask for it, until its value passes
        the field's own checks; return the value (``None``: left out). ``first`` is the
        question for the first part of a record, where a blank answer ends the list."""
        field, kind = self._field_of(loc)
        text = None if again or first else self.given.pop(_dotted(loc), None)
        from_set = text is not None
        if text is None and not kind.required and self._no_terms(kind):
            return None  # nothing to choose from (a project with no needs, say): left out
        if first:
            field, kind = first, Shape(kind.kind, False)
        prompt = self._prompt(field.question, kind, field.blank)
        if loc not in self.asked:
            self.asked.append(loc)
        while True:
            if text is None:
                if self.ask is None:
                    text = ""
                else:
                    text, prompt = self._read(prompt, kind), ""
            try:
                value = _value(kind, text, from_set, _dotted(loc))
            except _Unreadable as exc:
                if self.ask is None:
                    self.problems.append(str(exc))
                    self.unreadable.append(loc)
                    return None
                self.tell(str(exc))
                text, from_set = None, False
                continue
            if first and value is None:
                self.asked.remove(loc)
                return None
            self._put(loc, value)
            if self.ask is None:
                return value  # every problem is said at the end, at once (``fill``)
            problems = [
                self._said(where, message)
                for where, message in self.errors(self.raw)
                if where[: len(loc)] == loc
            ]
            if not problems:
                return value
            for problem in problems:
                self.tell(problem)
            text, from_set = None, False

    def _no_terms(self, kind: Shape) -> bool:
        return bool(kind.vocabulary) and not getattr(self.vocabularies, kind.vocabulary, None)

    def _records(self, loc: Loc, field: Field) -> None:
        """A list of records (places): each record's parts in turn, until the first part
        of one is left blank."""
        first, *rest = field.parts
        number = 0
        while self.ask is not None:
            question = field.more if number else field.question
            blank = "press Enter if there are no more" if number else field.blank
            here = (*loc, number)
            if self.answer((*here, first.path), first=Field(first.path, question, blank)) is None:
                items = _raw(self.raw, loc)
                if isinstance(items, list):
                    del items[number:]
                    if not items:
                        self._put(loc, None)
                return
            for part in rest:
                self.answer((*here, part.path))
            number += 1

    def _prompt(self, question: str, kind: Shape, blank: str) -> str:
        hints = []
        terms = getattr(self.vocabularies, kind.vocabulary, None) if kind.vocabulary else None
        if kind.kind == "term" and terms is not None:
            hints.append(f"one of {_choices(terms, kind.vocabulary)}")
        elif kind.kind == "terms" and terms is not None:
            hints.append(f"one or more of {_choices(terms, kind.vocabulary)}, with commas between")
        elif kind.kind == "list":
            hints.append("with commas between")
        elif kind.kind == "choice":
            hints.append(f"one of {', '.join(kind.choices)}")
        elif kind.kind == "yes/no":
            hints.append("yes or no")
        elif kind.kind == "date":
            hints.append("written YYYY-MM-DD, such as 2027-01-11")
        elif kind.kind == "markdown":
            hints.append(_ENDS)
        if not kind.required:
            hints.append(blank or "press Enter to leave it out")
        return "\n".join([question, *(f"  {hint}" for hint in hints)])

    def _read(self, prompt: str, kind: Shape) -> str:
        """One answer: a line, or for markdown lines up to one holding only ``.``."""
        assert self.ask is not None
        first = self.ask(f"{prompt}\n> " if prompt else "> ")
        if kind.kind != "markdown" or not first.strip():
            return first
        lines = [first]
        while lines[-1].strip() != ".":
            lines.append(self.ask("> "))
        return "\n".join(lines[:-1])

    def _put(self, loc: Loc, value: Any) -> None:
        """Set (or, for ``None``, leave out) the value at ``loc``, making the records and
        groups on the way (a group left empty stays, so its own rules are checked)."""
        here: Any = self.raw
        for part, after in itertools.pairwise(loc):
            if isinstance(here, list):
                assert isinstance(part, int)
                while len(here) <= part:
                    here.append({})
                here = here[part]
            else:
                here = here.setdefault(part, [] if isinstance(after, int) else {})
        last = loc[-1]
        if isinstance(here, list):
            assert isinstance(last, int)
            while len(here) <= last:
                here.append({})
            if value is not None:
                here[last] = value
        elif value is None:
            here.pop(last, None)
        else:
            here[last] = value


def _dotted(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def _one_item(raw: Any, loc: Loc) -> bool:
    found = _raw(raw, loc)
    return isinstance(found, list) and len(found) == 1 and isinstance(found[0], str)


def _value(kind: Shape, text: str, from_set: bool, name: str) -> Any:
    """An answer as ``load`` would read it from a file: text, or a list of text; ``None``
    when it is blank (the field is left out)."""
    if kind.kind == "markdown" and from_set:
        text = _read_file(name, text[1:]) if text.startswith("@") else text.replace("\\n", "\n")
    text = text.translate(_ODD_BREAKS)  # line breaks no editor shows: ``load`` reads spaces
    if kind.kind == "markdown":
        lines = text.replace("\r\n", "\n").split("\n")
        while lines and not lines[0].strip():
            lines.pop(0)
        return "\n".join(line.rstrip() for line in lines).rstrip() or None
    if kind.kind in ("terms", "list"):
        items = [item.strip() for item in text.split(",")]
        return [item for item in items if item] or None
    return text.strip() or None


#: The longest file ``--set field=@file`` reads (a markdown field holds 50,000 characters).
MAX_TEXT_FILE = 1024 * 1024


def _read_file(field: str, name: str) -> str:
    """The text of the file ``name`` (from the folder ``new`` runs in), for ``field``."""
    path = Path(name)
    said = f"--set {field}=@{_named(name)}"
    if not name:
        raise _Unreadable(f"{said}: give the file's name after the @, such as @news.md")
    try:
        if not path.is_file():
            what = "is not a file" if path.exists() else "does not exist"
            where = "" if path.is_absolute() else f" (in {_named(str(Path.cwd()))})"
            raise _Unreadable(f"{said}: {_named(name)} {what}{where}")
        if path.stat().st_size > MAX_TEXT_FILE:
            raise _Unreadable(f"{said}: {_named(name)} is over {MAX_TEXT_FILE:,} bytes")
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Unreadable(f"{said}: {_named(name)} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise _Unreadable(f"{said}: {_named(name)} cannot be read: {exc.strerror}") from None


def _named(name: str) -> str:
    """A file's name as a message shows it: on one line, and not endless."""
    return printable(name if len(name) <= 300 else name[:300] + "…")


# --- writing ------------------------------------------------------------------------------


def _write(
    root: Path,
    key: str,
    path: Path,
    spec: Kind,
    kind: str,
    form: _Form,
    project: Project,
    site: Any,
    today: date,
) -> tuple[str, Problem]:
    """Write the record beside the file, check the project with it, and swap it in; ask
    again (or refuse) for what the check finds wrong with the record."""
    existed = path.exists()
    before = path.read_bytes() if existed else b""
    mode = stat.S_IMODE(path.stat().st_mode) if existed else None
    source = project.sources.get(key)
    items = list(source.data.get(spec.key) or []) if source and source.data else []
    folder = path.parent
    made_folder = False
    temp = folder / f".{path.name}.{secrets.token_hex(4)}.new"
    try:
        if not folder.exists():
            folder.mkdir()
            made_folder = True
        while True:
            ident = _free_id(kind, form.raw.get(spec.named_by, ""), project, site)
            record = form.whole(ident, today)
            data = _appended(before, key, spec, kind, record, form, today)
            _write_new(temp, data, mode)
            written, problems = _recheck(root, key, temp, today)
            problems += _as_typed(written, spec, items, record, form, key)
            if not problems:
                break
            mine = [(_loc_in(p, spec.key, len(items), key), p) for p in problems]
            if form.ask is None or any(loc is None for loc, _ in mine):
                raise DataError(problems)
            form.again([(loc, p.message) for loc, p in mine if loc is not None])
        now = path.read_bytes() if path.exists() else None
        if now != (before if existed else None):
            line = f"data/{key} was changed while new was running; run new again"
            raise NotAdded([line], counted=False)
        os.replace(temp, path)
        at = written.line_of((spec.key, len(items), "id"))
        return ident, Problem(f"data/{key}", at, "", "")
    except OSError as exc:  # a read-only folder, a full disk: named by the data file
        line = f"data/{key} cannot be written: {exc.strerror or exc}"
        raise NotAdded([line], counted=False) from None
    finally:
        temp.unlink(missing_ok=True)
        if made_folder and not path.exists():
            with contextlib.suppress(OSError):
                folder.rmdir()


def _write_new(temp: Path, data: bytes, mode: int | None) -> None:
    """``data`` in a new file ``temp`` (never through a link), with the data file's mode."""
    temp.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(temp, flags, 0o666), "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    if mode is not None:
        os.chmod(temp, mode)


def _recheck(root: Path, key: str, temp: Path, today: date) -> tuple[Source, list[Problem]]:
    """``check``'s problems with the project as it would be with ``temp`` as ``data/key``:
    the project read as ``check`` reads it (``pipeline.run``), that one file from
    ``temp``, then validated, modelled and rendered (page names and links checked)."""
    loaded = load_all(root)  # skips hidden files: ``temp`` is read only as data/key
    name = f"data/{key}"
    source, found = load_yaml(temp, name)
    loaded.problems = [p for p in loaded.problems if p.file != name] + found
    sources = {**loaded.sources, key: source}
    order = list(kinds.files())
    loaded.sources = {
        k: sources[k] for k in sorted(sources, key=lambda k: (order.index(kind_of(k)), "/" in k, k))
    }
    try:
        project = validate(loaded)
        render_site(build_model(project, today), environment(root))
    except DataError as exc:
        return source, list(exc.problems)
    return source, []


def _as_typed(
    written: Source, spec: Kind, items: list[Any], record: dict[str, Any], form: _Form, key: str
) -> list[Problem]:
    """A problem if the file, read back, does not hold its records as they were and the new
    one as it was given (a safeguard: nothing but the new record may change)."""
    if not isinstance(written.data, dict) or not isinstance(written.data.get(spec.key), list):
        return []  # check has said what is wrong
    now = written.data[spec.key]
    same = now[:-1] == items
    if same and len(now) == len(items) + 1:
        try:
            model = form.model
            ours = model.model_validate(now[-1], context=form.context)
            same = ours == model.model_validate(record, context=form.context)
        except ValidationError:
            return []  # check has said what is wrong, at its line
    if same:
        return []
    msg = "new could not add the record here without changing the rest; add it by hand"
    return [Problem(f"data/{key}", 1, "", msg)]


def _loc_in(problem: Problem, key: str, index: int, file: str) -> Loc | None:
    """Where in the new record (the ``index``-th of ``key``) a problem of ``check`` is, or
    ``None`` if it is not in the new record."""
    if problem.file != f"data/{file}":
        return None
    found = re.match(rf"{re.escape(key)}\[{index}\]((?:\.[A-Za-z_][\w-]*|\[\d+\])*)", problem.where)
    if not found:
        return None
    parts = re.findall(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]", found.group(1))
    return tuple(name if name else int(number) for name, number in parts)


def _free_id(kind: str, text: Any, project: Project, site: Any) -> str:
    """An id made from ``text`` (lower case, hyphens, at most 60 characters) that no record
    of the kind has and whose page, if it gets one, has an address no page of the site
    has: ``index`` would be the list of updates, so an update "Index" is ``index-2``."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:50].strip("-") or kind
    spec = kinds.kind(kind)
    taken = {record.id for record in project.records[kind]}
    pages = [(spec.page, spec.template)] if spec.page and spec.template else []
    table = routes(site) if pages else []
    found, number = base, 2
    while found in taken or any(_clashes(project, table, a.format(id=found), t) for a, t in pages):
        found, number = f"{base}-{number}", number + 1
    return found


def _clashes(project: Project, table: list[Route], path: str, template: str) -> bool:
    """Whether a page ``path`` would share its address with a page of the site (the
    project checked, so any problem ``check_names`` finds now is the new page's)."""
    ours = Route(path, template, "(new)", Problem("(new)", 1, "", ""))
    return bool(check_names(project, [*table, ours]))


def _appended(
    before: bytes, key: str, spec: Kind, kind: str, record: dict[str, Any], form: _Form, today: date
) -> bytes:
    """The file's bytes with the record added after its last record, in its own style."""
    bom = b"\xef\xbb\xbf" if before.startswith(b"\xef\xbb\xbf") else b""
    text = before[len(bom) :].decode("utf-8")
    newline = "\r\n" if re.search(r"\r\n", text[: text.find("\n") + 1] or "") else "\n"
    column = 2
    if not text.strip():
        text = f"{modeline(key)}\n{spec.key}:\n" if not text else f"{text}{spec.key}:{newline}"
    else:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        value = next(
            (v for k, v in getattr(node, "value", []) if getattr(k, "value", None) == spec.key),
            None,
        )
        if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
            column = value.start_mark.column
        elif (isinstance(value, yaml.SequenceNode) and value.flow_style and not value.value) or (
            isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null")
        ):
            start, end = value.start_mark.index, value.end_mark.index  # "[]", "~", or nothing
            head = text[:start].rstrip(" \t") if end > start else text[:start]
            text = head + text[end:]
        else:
            msg = (
                f"data/{key}: its {spec.key} are not a list with one '- ' a record; "
                "write them so (see EDITING.md), then run new again"
            )
            raise NotAdded([msg], counted=False)
    if text and not text.endswith("\n"):
        text += newline
    lines = [f"# Added by `python -m generator new {kind}` on {today}: read it through."]
    lines += _dumped(record, spec, form)
    indent = " " * column
    added = "".join(f"{indent}{line}{newline}" if line else newline for line in lines)
    return bom + (text + added).encode("utf-8")


def _dumped(record: dict[str, Any], spec: Kind, form: _Form) -> list[str]:
    """The record as the lines of one item of a list, starting at column 0: written by
    ruamel.yaml, which quotes whatever YAML needs quoted."""
    item = _typed(record, spec.model, form)
    for name, comment in spec.fixed:
        item.yaml_add_eol_comment(comment, name)
    out = io.StringIO()
    writer = YAML()
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.width = 4096  # a text stays on its line, as people type it (no line folded)
    writer.dump(CommentedSeq([item]), out)
    return [line[2:] for line in out.getvalue().splitlines()]  # "  - id:" is at column 2


def _typed(raw: dict[str, Any], model: type[BaseModel], form: _Form) -> CommentedMap:
    """The record's values as YAML writes them best, in the model's order of fields: dates
    and whole numbers plain, yes or no, lists of ids on one line, markdown as a block."""
    out = CommentedMap()
    for name in model.model_fields:
        if name not in raw or raw[name] is None:
            continue
        value = raw[name]
        kind = shape(model, name)
        if isinstance(value, dict):
            inner = _inner_model(model.model_fields[name].annotation)
            assert inner is not None
            if value:
                out[name] = _typed(value, inner, form)
        elif kind.kind == "records" and kind.model is not None:
            out[name] = CommentedSeq(_typed(item, kind.model, form) for item in value)
        elif isinstance(value, list):
            out[name] = CommentedSeq(value)
            out[name].fa.set_flow_style()
        elif kind.kind == "markdown":
            out[name] = LiteralScalarString(value + "\n")
        elif kind.kind == "yes/no":
            out[name] = "yes" if _YES_NO.validate_python(value) else "no"
        elif kind.kind == "date" and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            out[name] = date.fromisoformat(value)
        elif kind.kind == "number" and value.isdigit() and str(int(value)) == value:
            out[name] = int(value)
        else:
            out[name] = value
    return out
