"""Stage 3: turn the validated project into pages; pure functions, no file writes.

Templates are HTML with Jinja2's autoescape on and ``StrictUndefined``: every value from
YAML is escaped unless it is a markdown field, whose HTML was sanitised when it was
validated (``models.Prose``). Each page's HTML then goes through ``sanitise.inert``, which
writes it so that no markdown extension of any builder can read anything into it. Built-in
templates live in ``generator/templates``; a site replaces one by putting a file of the same
name in ``theme/``, and may extend the built-in one as ``builtin/NAME``.

``ROUTES`` is the one table of which page each record kind becomes; page names, the
navigation and the clash checks all come from it.
"""

from __future__ import annotations

import html as htmllib
import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jinja2
from pydantic import BaseModel

from . import models
from .errors import DataError, Problem
from .model import Site
from .oruk import services_feed
from .sanitise import LinkError, encode, inert, relative_url, url_of
from .validate import Project

TEMPLATES = Path(__file__).parent / "templates"


def tel(phone: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", phone)


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def month(value: date) -> str:
    return f"{value:%B %Y}"


# --- the route table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One page: where it goes in the docs folder, its template, and what it is made from."""

    path: str  # e.g. services/speech-advice-line.md
    template: str
    source: str  # the data it is generated from, for the "do not edit" banner
    origin: Problem  # where a person would change its name, for clash messages
    context: dict[str, Any] = field(default_factory=dict)


#: The pages made once: (page, template, what they are generated from).
PAGES = [
    ("index.md", "home.html", "data/"),
    ("services/index.md", "services.html", "data/services.yaml"),
    ("balanced-system.md", "balanced-system.html", "data/vocabularies.yaml"),
    ("timeline.md", "timeline.html", "data/timeline.yaml"),
    ("updates/index.md", "updates.html", "data/updates.yaml"),
    ("documents.md", "documents.html", "data/documents.yaml"),
    ("surveys.md", "surveys.html", "data/surveys.yaml"),
    ("other-formats.md", "other-formats.html", "data/site.yaml"),
]
#: The pages made for each record of a kind: (template name for the record, page address,
#: template, data file, where the records stand in it).
RECORD_PAGES = [
    ("audience", "audiences/{id}.md", "audience.html", "vocabularies.yaml",
     ("vocabularies", "audiences")),
    ("service", "services/{id}.md", "service.html", "services.yaml", ("services",)),
    ("update", "updates/{id}.md", "update.html", "updates.yaml", ("updates",)),
]  # fmt: skip


def routes(site: Site) -> list[Route]:
    """Every generated page of the site, from ``PAGES`` and ``RECORD_PAGES``: the one
    place page names are decided."""
    project = site.project
    built_in = Problem("(built-in page)", 1, "", "")
    table = [Route(path, template, source, built_in) for path, template, source in PAGES]
    shown: dict[str, dict[str, Any]] = {  # the records as the site model shows them
        "audience": {a.id: a for a in project.vocabularies.audiences},
        "service": {s.id: s for s in site.services},
        "update": {u.id: u for u in site.updates},
    }
    for name, address, template, file, where in RECORD_PAGES:
        source = project.sources.get(file)
        in_file: Any = project
        for key in where:  # the records in file order, so each knows its line
            in_file = getattr(in_file, key)
        for i, record in enumerate(in_file):
            origin = source.problem((*where, i, "id"), "") if source else built_in
            table.append(
                Route(
                    address.format(id=record.id),
                    template,
                    f"data/{file}",
                    origin,
                    {name: shown[name][record.id]},
                )
            )
    return table


def navigation(site: Site) -> list[dict[str, Any]]:
    """The site's menu, from the route table and the vocabularies (never kept by hand)."""
    project = site.project
    pages = {r.path for r in routes(site)} | set(project.content)

    def present(*paths: str) -> list[str]:
        return [p for p in paths if p in pages]

    audiences = [f"audiences/{a.id}.md" for a in project.vocabularies.audiences]
    sections = [
        ("Information for you", present(*audiences)),
        ("Services", present("services/index.md", "balanced-system.md")),
        (
            f"The {project.site.work}",
            present("timeline.md", "updates/index.md", "surveys.md", "documents.md"),
        ),
        ("Help", present("glossary.md", "other-formats.md", "accessibility.md")),
    ]
    return [{"Home": "index.md"}] + [{title: items} for title, items in sections if items]


def builder_config(site: Site) -> dict[str, Any]:
    """What every builder must be told that comes from the data, not from ``mkdocs.yml``:
    the site's name, description and address, and the menu."""
    settings = site.settings
    config: dict[str, Any] = {"site_name": settings.short_name, "nav": navigation(site)}
    if settings.description:
        config["site_description"] = settings.description
    if settings.site_url:
        config["site_url"] = settings.site_url
    return config


def check_names(project: Project, table: list[Route]) -> list[Problem]:
    """Every page and file must have an address of its own.

    Two sources that builders would turn into the same address (``services/index.md``
    from an id ``index``; ``documents.md`` and ``content/documents/index.md``), or a file
    where another needs a folder (``content/timeline.md/x``), would silently replace one
    another; each is reported where a person would rename it.
    """
    entries = [(r.path, r.origin) for r in table]
    entries += [(name, Problem(f"content/{name}", 1, "", "")) for name in project.content]
    entries.append(("open-data/services.json", Problem("(built-in file)", 1, "", "")))
    problems = []
    owners: dict[str, tuple[str, Problem]] = {}
    folders: dict[str, tuple[str, Problem]] = {}
    for path, origin in entries:
        address = url_of(path)
        if address in owners:
            msg = f"would have the same address as {_described(*owners[address])}; rename one"
            problems.append(Problem(origin.file, origin.line, origin.where, msg))
        owners.setdefault(address, (path, origin))
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folders.setdefault("/".join(parts[:depth]), (path, origin))
    for path, origin in entries:
        if path in folders:
            msg = f"is a file where {_described(*folders[path])} needs a folder; rename one"
            problems.append(Problem(origin.file, origin.line, origin.where, msg))
    return problems


def _described(path: str, origin: Problem) -> str:
    if origin.file.startswith("content/"):
        return origin.file
    return f"the page {path} (from {origin.file}:{origin.line})"


# --- rendering ------------------------------------------------------------------------------


def environment(root: Path) -> jinja2.Environment:
    """The Jinja2 environment: the site's ``theme/`` first, then ours (also as ``builtin/``)."""
    ours = jinja2.FileSystemLoader(TEMPLATES)
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PrefixLoader({"builtin": ours}),
                jinja2.FileSystemLoader(root / "theme"),
                ours,
            ]
        ),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(tel=tel, long_date=long_date, month=month)
    return env


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template; a mistake in it (say, a site's override) becomes a Problem."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or name
        raise DataError([Problem(where, exc.lineno or 1, "", exc.message or str(exc))]) from None
    except jinja2.TemplateError as exc:
        template = env.get_template(name).filename or name
        line = _template_line(exc, template)
        raise DataError([Problem(template, line, "", f"template error: {exc}")]) from None


def _template_line(exc: BaseException, filename: str) -> int:
    """The line of ``filename`` where a template error was raised, from the traceback."""
    tb = exc.__traceback__
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


_ID = re.compile(r'\bid="([^"]+)"')


def render_site(site: Site, env: jinja2.Environment, *, zensical: bool = False) -> dict[str, bytes]:
    """Every file of the docs folder, keyed by its path there.

    Pages are rendered to HTML first, so that every ``site:`` link can be checked against
    the pages and anchors that really exist; then each is written as markdown a builder
    passes through untouched. Files of ``content/`` that are not pages are copied as they are.
    """
    project = site.project
    table = routes(site)
    problems = check_names(project, table)
    if problems:
        raise DataError(problems)
    common = _context(site)
    common["pages"] = {r.path for r in table} | set(project.content)  # {% if 'x.md' in pages %}
    bodies: dict[str, tuple[str, str, str | None, str]] = {}  # path: title, html, desc, banner
    for route in table:
        html = _render(env, route.template, {**common, **route.context, "page": route.path})
        banner = f"Generated from {route.source} by the Local Offer generator: do not edit."
        bodies[route.path] = (_title(html, route.path), html, None, banner)
    files: dict[str, bytes] = {}
    for name, item in project.content.items():
        if isinstance(item, models.Page):
            html = _render(env, "content-page.html", {**common, "content": item, "page": name})
            banner = f"Copied from content/{name}: edit that file, not this one."
            bodies[name] = (item.title, html, item.description, banner)
        else:
            files[name] = item
    files["open-data/services.json"] = services_feed(
        list(site.services), project.vocabularies, project.site
    )
    anchors = {path: set(_ID.findall(html)) for path, (_, html, _, _) in bodies.items()}
    origins = _link_origins(project)
    pages: dict[str, bytes] = {}
    for path, (title, html, description, banner) in bodies.items():

        def resolve(target: str, here: str = path) -> str:
            found = _link_problem(target, anchors, files)
            if found:
                raise LinkError(target, found)
            return relative_url(here, target, from_source=zensical)

        try:
            body = inert(html, resolve)
        except LinkError as exc:
            problems.append(_locate(exc, path, origins, project))
            continue
        pages[path] = _page(title, description, banner, body)
    if problems:
        raise DataError(problems)
    pages.update(files)
    return pages


def _context(site: Site) -> dict[str, Any]:
    """What every template may use, besides ``page`` (its docs path) and the record of
    its route (``service``, ``update``, ``audience``, ``content``): see README, "Templates"."""
    return {
        "site": site.settings,
        "model": site,
        "terms": site.terms,
        "today": site.today,
        "grid": site.grid,
        "survey_groups": site.survey_groups,
        "by_discipline": site.by_discipline,
        "for_audience": site.for_audience,
        "current_stage": site.current_stage,
        "services": site.services,
        "updates": site.updates,
        "surveys": site.surveys,
        "documents": site.documents,
        "timeline": site.timeline,
        "files": site.files,
        "url": lambda path: "site:" + path,  # a link to a docs path, made relative later
    }


_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)


def _title(html: str, path: str) -> str:
    """The text of a page's ``<h1>``, which every built-in template has."""
    match = _H1.search(html)
    if not match:
        raise DataError([Problem(path, 1, "", "the page's template gives it no <h1> heading")])
    return _unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def _unescape(text: str) -> str:
    return " ".join(htmllib.unescape(text).split())


def _link_problem(target: str, anchors: dict[str, set[str]], files: dict[str, bytes]) -> str:
    path, _, fragment = target.partition("#")
    path, fragment = unquote(path), unquote(fragment)
    if path in files and not fragment:
        return ""
    if path not in anchors:
        return f"link to '{target}': there is no page or file {path} in the site"
    if fragment and fragment not in anchors[path]:
        return f"link to '{target}': the page {path} has no section '#{fragment}'"
    return ""


def _link_origins(project: Project) -> dict[str, Problem]:
    """Where each ``site:`` link typed into a markdown field was typed."""
    found: dict[str, Problem] = {}
    for prose in _all_prose(project):
        for target in re.findall(r'href="site:([^"]+)"', prose.html):
            if prose.origin is not None:
                found.setdefault(target, prose.origin)
    return found


def _all_prose(value: Any) -> Iterator[models.Prose]:
    if isinstance(value, models.Prose):
        yield value
    elif isinstance(value, BaseModel):
        for key in type(value).model_fields:
            yield from _all_prose(getattr(value, key))
    elif isinstance(value, list):
        for item in value:
            yield from _all_prose(item)
    elif isinstance(value, Project):
        for name in ("site", "vocabularies", "services", "updates", "documents", "surveys"):
            yield from _all_prose(getattr(value, name))


def _locate(error: LinkError, page: str, origins: dict[str, Problem], project: Project) -> Problem:
    """A broken link, placed where a person can fix it: the field, the content page, or the
    template that wrote it."""
    target, message = error.args
    if target in origins:
        origin = origins[target]
        return Problem(origin.file, origin.line, origin.where, message)
    if page in project.content:
        return Problem(f"content/{page}", 1, "", message)
    return Problem(page, 1, "", f"{message} (written by a template)")


def _page(title: str, description: str | None, banner: str, body: str) -> bytes:
    """A markdown file that every builder turns into exactly ``body``.

    The title and description go into front matter as double-quoted YAML holding only
    letters, digits, spaces and character references, so the theme can print them where it
    likes without escaping them.
    """
    # ensure_ascii=False: YAML readers refuse JSON's surrogate escapes ("\ud83d\ude00").
    front = [f"title: {json.dumps(encode(title), ensure_ascii=False)}"]
    if description:
        front.append(f"description: {json.dumps(encode(description), ensure_ascii=False)}")
    return "---\n{}\n---\n\n<!-- {} -->\n\n{}\n".format("\n".join(front), banner, body).encode()


def docs_paths(pages: dict[str, bytes]) -> list[str]:
    """The docs folder's files in a stable order (for tests and the write stage)."""
    return sorted(pages, key=lambda p: (posixpath.dirname(p), p))
