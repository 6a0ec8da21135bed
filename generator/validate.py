"""Stage 2: check every data file against its schema and every cross-reference, all at once.

``load_project`` is the single entry point: it returns a typed ``Project`` or raises one
``DataError`` holding every problem in every file, each with its file and line, so a
person can fix them all in one go instead of one per build.
"""

from __future__ import annotations

import difflib
import functools
import re
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ValidationError

from . import models
from .errors import DataError, Problem, shown
from .load import ContentPage, Loaded, Loc, Source, kind_of, load_all
from .sanitise import MarkdownError, markdown_html


@dataclass(frozen=True)
class Project:
    """Everything the site is made from, validated and typed."""

    site: models.Site
    vocabularies: models.Vocabularies
    services: list[models.Service]
    updates: list[models.Update]
    timeline: list[models.Stage]
    documents: list[models.Document]
    surveys: list[models.Survey]
    content: dict[str, bytes | models.Page]  # files of content/ by relative path
    #: The accessibility statement's record, when the statement is made from data.
    accessibility: models.Accessibility | None = None
    #: The data files read, by path under data/ (``services.yaml``, ``services/acme.yaml``).
    sources: dict[str, Source] = field(default_factory=dict, repr=False, compare=False)
    #: Every markdown field, each knowing where it was typed (``models.Prose.origin``).
    prose: list[models.Prose] = field(default_factory=list, repr=False, compare=False)


def load_project(root: Path) -> Project:
    """Load and validate ``root``; raise ``DataError`` listing every problem."""
    return validate(load_all(root))


def validate(loaded: Loaded) -> Project:
    """Check every data file against its schema and every cross-reference, all at once."""
    problems = list(loaded.problems)
    parsed: dict[str, Any] = {}  # by source (``services/acme.yaml``), or by file if absent
    positions: dict[str, list[int]] = {}  # where each valid record stands in its file
    sources = loaded.sources
    context = None  # the vocabularies, once read: the records' term ids are checked with them
    for name in sorted(models.FILES, key=lambda n: n != "vocabularies.yaml"):
        schema, required = models.FILES[name]
        present = [key for key in sources if kind_of(key) == name]  # the file, its folder's
        if not present:
            if required:
                problems.append(Problem(f"data/{name}", 1, "", _missing(name)))
            elif name in models.RECORD_FILES:  # no such file: no such records
                parsed[name] = schema()
        for key in present:
            source = sources[key]
            if source.data is None and any(p.file == source.name for p in loaded.problems):
                continue  # could not be read or parsed: already reported
            record, positions[key] = _validate_file(schema, source, problems, context)
            if record is not None:
                parsed[key] = record
                if name == "vocabularies.yaml":
                    _locate_terms(record.vocabularies, source)
                    context = _terms_context(record.vocabularies)

    content = {
        name: _page(name, item, problems) if isinstance(item, ContentPage) else item
        for name, item in loaded.content.items()
    }
    if "accessibility.md" not in loaded.content and "accessibility.yaml" not in sources:
        msg = (
            "is missing: every public sector website must publish an accessibility "
            "statement; add data/accessibility.yaml (see README, 'The accessibility "
            "statement') or write content/accessibility.md"
        )
        problems.append(Problem("data/accessibility.yaml", 1, "", msg))
    records = {
        name: [r for key in parsed if kind_of(key) == name for r in getattr(parsed[key], items)]
        for name, items in models.RECORD_FILES.items()
    }  # every kind's records, from all its files in reading order
    problems += _duplicate_ids(records, parsed.get("vocabularies.yaml"))
    if "timeline.yaml" in sources and "timeline.yaml" in parsed:
        stages = parsed["timeline.yaml"].timeline
        problems += _stage_order(sources["timeline.yaml"], stages, positions["timeline.yaml"])
    if "documents.yaml" in sources and "documents.yaml" in parsed:
        source = sources["documents.yaml"]
        documents = parsed["documents.yaml"].documents
        for i, doc in zip(positions["documents.yaml"], documents, strict=True):
            message = doc.file and _document_path_problem(content, doc.file)
            if message:
                problems.append(source.problem(("documents", i, "file"), message))
    if problems:
        raise DataError(problems)
    prose = [p for key, source in sources.items() for p in _mark_origins(parsed[key], source)]
    return Project(
        site=parsed["site.yaml"].site,
        vocabularies=parsed["vocabularies.yaml"].vocabularies,
        services=records["services.yaml"],
        updates=records["updates.yaml"],
        timeline=records["timeline.yaml"],
        documents=records["documents.yaml"],
        surveys=records["surveys.yaml"],
        content={k: v for k, v in content.items() if v is not None},
        accessibility=(
            parsed["accessibility.yaml"].accessibility if "accessibility.yaml" in sources else None
        ),
        sources=sources,
        prose=prose,
    )


def warnings(project: Project, today: date) -> list[Problem]:
    """What is allowed today but must be put right soon; ``check --strict`` fails on it.

    The SEND Code of Practice asks for an offer that is up to date, and regulation 56 for
    the response to comments to be published: so an entry past its review date, and a
    closed survey with no published outcome, are flagged. So is a running service that
    leaves out what a family needs to decide (its page then says "Ask the service"), or
    whose way in mentions a form that it does not link to. (What to ask for, and how, is
    required of every service: ``access`` and ``contact``.)
    """
    found = []
    months = project.site.review_months
    for service in project.services:
        due = service.review_due_after(months)
        if due < today:
            msg = (
                f"warning: overdue for review: last reviewed {service.last_reviewed}, "
                f"due {due} ({months} months later)"
            )
            found.append(service.problem("last_reviewed", msg))
        if service.status != "active":  # not offered: its page tells families so
            continue
        missing = [
            what
            for what, absent in (
                ("cost", service.cost is None),
                ("ages (min_age or max_age)", service.min_age is None and service.max_age is None),
            )
            if absent
        ]
        if missing:
            msg = (
                f"warning: gives no {' and no '.join(missing)}, which families need to "
                "decide (its page says to ask the service)"
            )
            found.append(service.problem(None, msg))
        if _FORM.search(service.access.referral_route) and not service.access.referral_form:
            msg = (
                "warning: the referral route mentions a form but gives no referral_form: "
                "add the form's web address as access.referral_form"
            )
            route = ("access", "referral_route")  # at the line that mentions the form
            locate = service._locate
            found.append(locate(route, msg) if locate else service.problem(None, msg))
    for survey in project.surveys:
        if survey.closes < today and survey.outcome is None:
            msg = (
                f"warning: closed on {survey.closes} but has no outcome: publish what you heard "
                "and what changed"
            )
            found.append(survey.problem(None, msg))  # the outcome is what is missing
    statement = project.accessibility
    if statement and (today - statement.tested).days > 365:
        msg = (
            f"warning: the website was last tested on {statement.tested}, over a year ago: "
            "test it again and update the statement (GOV.UK asks for a yearly review)"
        )
        found.append(statement.problem("tested", msg))
    return sorted(found)


#: A way in that needs a form: "fills in a request form", "the referral forms".
_FORM = re.compile(r"\bforms?\b", re.IGNORECASE)


def _page(name: str, page: ContentPage, problems: list[Problem]) -> models.Page | None:
    """A content/ page's front matter validated and its markdown rendered and sanitised."""
    meta = _report(models.PageMeta, page.meta.data or {}, page.meta, (), problems)
    if meta is None:
        return None
    try:
        html = markdown_html(page.body, page=name)
    except MarkdownError as exc:
        problems.append(Problem(page.name, page.body_line, "", str(exc)))
        return None
    title = meta.title
    if title is None:
        first = next((line for line in page.body.splitlines() if line.strip()), "")
        if not first.startswith("# "):
            msg = "has no title: start the page with a '# Title' line, or give 'title:'"
            problems.append(Problem(page.name, page.body_line, "", msg))
            return None
        title = first[2:].strip().rstrip("#").strip()
    return models.Page(
        path=name,
        title=title,
        description=meta.description,
        html=html,
        markdown=page.body,
        first_line=page.body_line,
    )


def _mark_origins(value: Any, source: Source, loc: Loc = ()) -> Iterator[models.Prose]:
    """Tell each markdown field where it was typed, for link problems found when pages are
    put together, and yield it."""
    if isinstance(value, models.Prose):
        value.origin = source.problem(loc, "")
        yield value
    elif isinstance(value, BaseModel):
        for key in type(value).model_fields:
            yield from _mark_origins(getattr(value, key), source, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _mark_origins(item, source, (*loc, i))


# --- schema errors, in words ---------------------------------------------------------------


def _locate(source: Source, prefix: Loc, loc: Loc, message: str) -> Problem:
    return source.problem((*prefix, *loc), message)


def _missing(name: str) -> str:
    folders = [f"data/{f}/" for f, file in models.FOLDERS.items() if file == name]
    if folders:
        return f"is missing; this file, or a folder {folders[0]} of such files, is required"
    return "is missing; this file is required"


def _locate_terms(vocab: models.Vocabularies, source: Source) -> None:
    """Tell each vocabulary term where it was typed, as ``_validate_file`` tells records."""
    for name in type(vocab).model_fields:
        for i, term in enumerate(getattr(vocab, name)):
            term._locate = functools.partial(_locate, source, ("vocabularies", name, i))


def _terms_context(vocab: models.Vocabularies) -> dict[str, Any]:
    """What term fields are checked against (see ``models._in``)."""
    names = type(vocab).model_fields
    return {
        "terms": {name: {t.id for t in getattr(vocab, name)} for name in names},
        "choices": {name: _choices(getattr(vocab, name), name) for name in names},
    }


def _validate_file(
    schema: type[BaseModel], source: Source, problems: list[Problem], context: Any = None
) -> tuple[Any, list[int]]:
    """Validate one file; with a list of records, each record on its own.

    Records that pass are kept (with their positions in the file) even when others fail,
    so cross-checks such as unknown levels are reported in the same run.
    """
    key = next(iter(schema.model_fields))
    if not isinstance(source.data, dict):
        what = "is empty" if source.data is None else f"holds {_describe(source.data)}"
        problems.append(source.problem((), f"{what}; it should start with '{key}:'"))
        return None, []
    items = source.data.get(key)
    item_model = _inner_model(schema.model_fields[key].annotation)
    if typing.get_origin(schema.model_fields[key].annotation) is not list or not isinstance(
        items, list
    ):
        whole = _report(schema, source.data, source, (), problems, context)
        single = getattr(whole, key, None)
        if isinstance(single, models.Record):  # site:, accessibility: one record, located too
            single._locate = functools.partial(_locate, source, (key,))
        return whole, []
    shell = _report(schema, {**source.data, key: []}, source, (), problems)
    records, positions = [], []
    for i, item in enumerate(items):
        record = _report(item_model, item, source, (key, i), problems, context)
        if record is not None:
            record._locate = functools.partial(_locate, source, (key, i))
            records.append(record)
            positions.append(i)
    return (schema(**{key: records}) if shell is not None else None), positions


def _report(
    model: Any,
    data: Any,
    source: Source,
    prefix: Loc,
    problems: list[Problem],
    context: Any = None,
) -> Any:
    """``model.model_validate(data)``, or ``None`` with every error added to ``problems``."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            where = tuple(error["loc"])
            if where and isinstance(where[-1], int) and isinstance(_raw(data, where[:-1]), str):
                where = where[:-1]  # "levels: targetted", a one-item list written bare
            problems.append(source.problem((*prefix, *where), _message(error, model, where)))
        return None


def _raw(data: Any, loc: Loc) -> Any:
    """The value at ``loc`` in the data as read, before validation (None if not there)."""
    for key in loc:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return None
    return data


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a set of 'key: value' fields"
    if isinstance(value, list):
        return "a list"
    return f"the text '{shown(value)}'"


def _message(error: Any, schema: type[BaseModel], loc: Loc) -> str:
    """Turn one pydantic error into a sentence a comms officer can act on."""
    kind, ctx = error["type"], error.get("ctx") or {}
    value = error.get("input")
    if isinstance(value, str):
        value = shown(value)
    if kind == "missing":
        return "is missing; this field is required"
    if kind == "extra_forbidden":
        allowed = _fields_at(schema, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
        return f"unknown field {loc[-1]!r} ({hint})"
    if value is None and kind.endswith("_type"):
        return "is empty; give a value or remove the line"
    if kind in ("string_type",):
        return f"must be text, not {_describe(value)}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"'{value}' is not a whole number"
    if kind == "greater_than_equal":
        return f"{value} is too small; the lowest allowed is {ctx['ge']}"
    if kind == "less_than_equal":
        return f"{value} is too large; the highest allowed is {ctx['le']}"
    if kind in ("bool_parsing", "bool_type"):
        return f"'{value}' is not yes or no"
    if kind.startswith("date_"):
        return f"'{value}' is not a real date written as YYYY-MM-DD" + _date_hint(value)
    if kind in ("too_short", "string_too_short"):
        return "is empty; give at least one" if isinstance(value, list) else "is empty"
    if kind == "string_too_long":
        return f"is too long; the most allowed is {ctx['max_length']:,} characters"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a set of 'key: value' fields, not {_describe(value)}"
    if kind == "list_type":
        return f"must be a list (lines starting with '- '), not {_describe(value)}"
    if kind == "literal_error":
        return f"'{value}' is not one of {ctx['expected'].replace(chr(39), '')}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])


def _date_hint(value: object) -> str:
    """For a date written the British way (20/11/2026, 20-11-2026, 20.11.26), the same date
    as the data needs it."""
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})", str(value).strip())
    if not found:
        return ""
    day, month, year = (int(part) for part in found.groups())
    year += 2000 if year < 100 else 0
    try:
        day_meant = date(year, month, day)
    except ValueError:
        return ""
    return f" (for {day_meant.day} {day_meant:%B %Y}, write {day_meant})"


def _fields_at(schema: type[BaseModel], loc: Loc) -> list[str]:
    """Names of the fields allowed at ``loc``, for "did you mean" hints."""
    model: type[BaseModel] | None = schema
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        model = _inner_model(field.annotation) if field else None
    return list(model.model_fields) if model else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None


# --- checks across records and files -------------------------------------------------------


def _duplicate_ids(
    records: dict[str, list[Any]], vocabularies: models.VocabulariesFile | None
) -> list[Problem]:
    """Ids are unique among each kind's records, in all the files that hold them, and within
    each vocabulary. A repeat is reported where it is, naming where the id was first used."""
    lists = list(records.values())
    if vocabularies is not None:
        vocab = vocabularies.vocabularies
        lists += [getattr(vocab, name) for name in type(vocab).model_fields]
    problems = []
    for kind in lists:
        first: dict[str, Problem] = {}
        for record in kind:
            if record.id not in first:
                first[record.id] = record.problem("id", "")
                continue
            there = first[record.id]
            here = record.problem("id", "")
            where = (
                f"on line {there.line}"
                if there.file == here.file
                else f"in {there.file}:{there.line}"
            )
            problems.append(record.problem("id", f"duplicate id '{record.id}' (also used {where})"))
    return problems


def _choices(terms: list[models.Term], vocabulary: str) -> str:
    """The ids a person may choose from, or a pointer to them when there are many."""
    if not terms:
        return f"(no {vocabulary} defined)"
    if len(terms) > 20:
        return f"the {len(terms):,} {vocabulary} in data/vocabularies.yaml"
    return ", ".join(t.id for t in terms)


def _stage_order(source: Source, stages: list[models.Stage], places: list[int]) -> list[Problem]:
    """Stages follow one another: each starts after the one before has ended."""
    problems = []
    for j in range(1, len(stages)):
        before, stage, i = stages[j - 1], stages[j], places[j]
        if before.end is None:
            msg = f"the stage before ('{before.title}') has no end date, so none can follow it"
        elif stage.start <= before.end:
            msg = (
                f"starts {stage.start}, before the stage before ('{before.title}') "
                f"ends on {before.end}; stages must not overlap"
            )
        else:
            continue
        problems.append(source.problem(("timeline", i, "start"), msg))
    return problems


def _document_path_problem(content: Mapping[str, object], name: str) -> str | None:
    """A document file must be a plain relative path to a file inside ``content/``."""
    path = PurePosixPath(name)
    if "\\" in name or path.is_absolute() or ".." in path.parts or ":" in name:
        return f"'{name}' must be a path inside content/, like documents/plan.pdf"
    if name not in content:
        return f"'{name}' is not a file in content/"
    return None
