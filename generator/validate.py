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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import AfterValidator, BaseModel, ValidationError
from pydantic.fields import FieldInfo

from . import kinds, models
from .errors import DataError, Problem, shown
from .load import ContentPage, Loaded, Loc, Locator, Source, field_models, kind_of, load_all
from .memo import Memo
from .parallel import in_two
from .sanitise import MarkdownError, markdown_html


@dataclass(frozen=True)
class Project:
    """Everything the site is made from, validated and typed."""

    site: models.Settings
    vocabularies: models.Vocabularies
    #: The records of each kind (``kinds.KINDS``), by the kind's name, in reading order.
    records: dict[str, list[Any]]
    content: dict[str, bytes | models.Page]  # files of content/ by relative path
    #: The accessibility statement's record, when the statement is made from data.
    accessibility: models.Accessibility | None = None
    #: What answers each item of Schedule 2 (``data/coverage.yaml``; empty without it).
    coverage: models.Coverage = field(default_factory=models.Coverage)
    #: The data files read, by path under data/ (``services.yaml``, ``services/acme.yaml``).
    sources: dict[str, Source] = field(default_factory=dict, repr=False, compare=False)
    #: Every markdown field that links to a page of the site, with where it was typed: link
    #: problems found when pages are put together are reported there.
    prose: list[tuple[models.Prose, Problem]] = field(
        default_factory=list, repr=False, compare=False
    )

    @property
    def services(self) -> list[models.Service]:
        return self.records["service"]

    @property
    def updates(self) -> list[models.Update]:
        return self.records["update"]

    @property
    def timeline(self) -> list[models.Stage]:
        return self.records["stage"]

    @property
    def documents(self) -> list[models.Document]:
        return self.records["document"]

    @property
    def surveys(self) -> list[models.Survey]:
        return self.records["survey"]


def load_project(root: Path) -> Project:
    """Load and validate ``root``; raise ``DataError`` listing every problem."""
    return validate(load_all(root))


def validate(loaded: Loaded, memo: Memo | None = None) -> Project:
    """Check every data file against its schema and every cross-reference, all at once.
    Markdown is converted with ``memo`` (the run's; by default one for this call)."""
    problems = list(loaded.problems)
    parsed: dict[str, Any] = {}  # by source (``services/acme.yaml``), or by file if absent
    sources = loaded.sources
    memo = memo or Memo()
    _convert_ahead(sources, memo)
    context: dict[str, Any] = {"memo": memo}  # and the vocabularies' terms, once read
    for name, (schema, required) in kinds.files().items():
        present = [key for key in sources if kind_of(key) == name]  # the file, its folder's
        if not present and required:
            problems.append(Problem(f"data/{name}", 1, "", _missing(name)))
        for key in present:
            source = sources[key]
            if source.data is None and any(p.file == source.name for p in loaded.problems):
                continue  # could not be read or parsed: already reported
            record = _validate_file(schema, source, problems, context)
            if record is not None:
                parsed[key] = record
                if name == "vocabularies.yaml":
                    context = {**_terms_context(record.vocabularies), "memo": memo}

    content = {
        name: _page(name, item, problems, memo) if isinstance(item, ContentPage) else item
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
        kind.name: [
            r for key in parsed if kind_of(key) == kind.file for r in getattr(parsed[key], kind.key)
        ]
        for kind in kinds.KINDS
    }  # every kind's records, from all its files in reading order
    problems += _duplicate_ids(records, parsed.get("vocabularies.yaml"))
    for kind in kinds.KINDS:
        problems += kind.model.across(records[kind.name], content)
        problems += kind.model.against(records[kind.name], records)
    for name in kinds.SETTINGS:  # one record each (a logo of site: is a file of content/)
        if name in parsed:
            record = getattr(parsed[name], next(iter(type(parsed[name]).model_fields)))
            problems += type(record).across([record], content)
            problems += type(record).against([record], records)  # coverage's services
    if problems:
        raise DataError(problems)
    return Project(
        site=parsed["site.yaml"].site,
        vocabularies=parsed["vocabularies.yaml"].vocabularies,
        records=records,
        content={k: v for k, v in content.items() if v is not None},
        accessibility=(
            parsed["accessibility.yaml"].accessibility if "accessibility.yaml" in sources else None
        ),
        coverage=(
            parsed["coverage.yaml"].coverage if "coverage.yaml" in parsed else models.Coverage()
        ),
        sources=sources,
        prose=[p for key, source in sources.items() for p in _prose(parsed[key], source)],
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
    found += _comment_warnings(project, today)
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


def _comment_warnings(project: Project, today: date) -> list[Problem]:
    """Regulation 56: the comments received and the answers to them are published at least
    once a year (so the newest answer is at most a year old, and a file of comments is not
    left empty), and each action is done by its date (or its status and date changed)."""
    comments: list[models.Comment] = project.records.get("comment", [])
    found = []
    if comments:
        newest = max(comments, key=lambda c: (c.published, c.id))
        if _a_year_after(newest.published) < today:
            msg = (
                f"warning: the newest answer to comments was published on {newest.published}, "
                "over a year ago: publish the comments received since and your answers "
                "(regulation 56 asks for this at least once a year)"
            )
            found.append(newest.problem("published", msg))
    elif kinds.kind("comment").file in project.sources:
        msg = (
            "warning: holds no comments: publish the comments received and your answers "
            "(regulation 56 asks for this at least once a year)"
        )
        found.append(Problem(f"data/{kinds.kind('comment').file}", 1, "comments", msg))
    for comment in comments:
        if comment.due and comment.due < today and comment.status in ("planned", "in progress"):
            msg = (
                f"warning: the action was due on {comment.due} and is still {comment.status}: "
                "do it, or change its status (and due date) and say so"
            )
            found.append(comment.problem("due", msg))
    return found


def _a_year_after(day: date) -> date:
    """The same day a year later (28 February after 29 February)."""
    return day.replace(year=day.year + 1, day=min(day.day, 28 if day.month == 2 else 31))


def _page(name: str, page: ContentPage, problems: list[Problem], memo: Memo) -> models.Page | None:
    """A content/ page's front matter validated and its markdown rendered and sanitised."""
    meta = _report(models.PageMeta, page.meta.data or {}, page.meta, (), problems)
    if meta is None:
        return None
    try:
        html = markdown_html(page.body, page=name, memo=memo)
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


def _convert_ahead(sources: dict[str, Source], memo: Memo) -> None:
    """Every markdown field's HTML, made on two cores (``parallel``) into ``memo`` before the
    records are validated, which then find it there: converting a county's descriptions is
    most of validating them. A text that cannot be converted is left for its validation to
    report, at its line."""
    texts: dict[str, None] = {}
    for key, source in sources.items():
        schema = kinds.files().get(kind_of(key), (None, False))[0]
        if schema is not None:
            texts.update(dict.fromkeys(_markdown_in(schema, source.data)))
    todo = [text for text in texts if (text, None) not in memo.html]

    def convert(text: str) -> None:
        try:
            markdown_html(text, memo=memo)
        except Exception:  # met again, and reported, when it is validated
            memo.used_html.discard((text, None))

    in_two(todo, convert, memo)


def _markdown_in(model: type[BaseModel], data: Any) -> Iterator[str]:
    """The texts typed in ``data`` (as parsed) where ``model`` has a markdown field, as the
    field's validator will be given them (trimmed)."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        if not isinstance(key, str) or key not in _fields(model):
            continue
        if isinstance(value, str) and _is_markdown(model, key):
            yield value.strip()
        is_list, inner = field_models(model, key)
        if inner is not None:
            for item in value if is_list and isinstance(value, list) else [value]:
                yield from _markdown_in(inner, item)


@functools.cache
def _fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """``model.model_fields``, which pydantic works out again on each use."""
    return model.model_fields


@functools.cache
def _is_markdown(model: type[BaseModel], key: str) -> bool:
    """Whether the field ``key`` of ``model`` is ``models.Markdown``."""
    meta = model.model_fields[key].metadata
    return any(isinstance(m, AfterValidator) and m.func is models.prose_html for m in meta)


def _prose(value: Any, source: Source, loc: Loc = ()) -> Iterator[tuple[models.Prose, Problem]]:
    """Each markdown field of ``value`` with a link to a page of the site, with where it
    was typed (worked out only for those: it takes time, and most fields have none)."""
    if isinstance(value, models.Prose):
        if 'href="site:' in value.html:
            yield value, source.problem(loc, "")
    elif isinstance(value, BaseModel):
        for key in _fields(type(value)):
            item = getattr(value, key)
            if type(item) not in _PLAIN:  # a county's records hold 200,000 plain values
                yield from _prose(item, source, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if type(item) not in _PLAIN:
                yield from _prose(item, source, (*loc, i))


#: Values that never hold markdown (exactly these types: a ``Prose`` is a ``str`` too).
_PLAIN = {str, int, float, bool, type(None), date}


# --- schema errors, in words ---------------------------------------------------------------


def _missing(name: str) -> str:
    kind = kinds.of_file(name)
    if kind and kind.folder:
        return f"is missing; this file, or a folder data/{kind.key}/ of such files, is required"
    return "is missing; this file is required"


def _locate_terms(vocab: models.Vocabularies, source: Source) -> None:
    """Tell each vocabulary term where it was typed, as records are told when they are
    made: the one change after validation, because terms are made inside their file's
    record, and pydantic tells a model nothing of the path it is made at."""
    for name in type(vocab).model_fields:
        for i, term in enumerate(getattr(vocab, name)):
            term._locate = Locator(source, ("vocabularies", name, i))


def _terms_context(vocab: models.Vocabularies) -> dict[str, Any]:
    """What term fields are checked against (see ``models._in``)."""
    terms = vocab.by_id()
    return {
        "terms": terms,  # ``in`` asks the ids
        "choices": {name: _choices(list(found.values()), name) for name, found in terms.items()},
    }


def _validate_file(
    schema: type[BaseModel], source: Source, problems: list[Problem], context: dict[str, Any]
) -> Any:
    """Validate one file; with a list of records, each record on its own.

    Records that pass are kept even when others fail, so cross-checks such as unknown
    levels are reported in the same run. Each record learns where it was typed as it is
    made (``models.Record.model_post_init``).
    """
    key = next(iter(schema.model_fields))
    if not isinstance(source.data, dict):
        what = "is empty" if source.data is None else f"holds {_describe(source.data)}"
        problems.append(source.problem((), f"{what}; it should start with '{key}:'"))
        return None
    items = source.data.get(key)
    inner = _inner_model(schema.model_fields[key].annotation)
    if typing.get_origin(schema.model_fields[key].annotation) is not list or not isinstance(
        items, list
    ):  # site:, accessibility:, vocabularies: one record
        here = {**context, "record": inner, "locate": Locator(source, (key,))}
        whole = _report(schema, source.data, source, (), problems, here)
        if isinstance(whole, models.VocabulariesFile):
            _locate_terms(whole.vocabularies, source)
        return whole
    shell = _report(schema, {**source.data, key: []}, source, (), problems)
    records = []
    for i, item in enumerate(items):
        locate = Locator(source, (key, i))
        record = _report(
            inner, item, source, (key, i), problems, {**context, "record": inner, "locate": locate}
        )
        if record is not None:
            records.append(record)
    return schema(**{key: records}) if shell is not None else None


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
        first: dict[str, Any] = {}  # each id's first record: located only for a repeat
        for record in kind:
            if record.id not in first:
                first[record.id] = record
                continue
            there = first[record.id].problem("id", "")
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
