"""The route table: which page each record kind becomes, with its template.

Page names, the site's menu, what builders are told and the clash checks all come from
``PAGES`` and ``RECORD_PAGES``, so no page address is written anywhere else (templates
link with ``url('services/…md')``, which ``sanitise`` turns into relative addresses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import Problem
from .headers import meta_policy
from .model import Site
from .sanitise import encode, url_of
from .validate import Project


@dataclass(frozen=True)
class Route:
    """One page: where it goes in the docs folder, its template, and what it is made from."""

    path: str  # e.g. services/speech-advice-line.md
    template: str
    source: str  # the data it is generated from, for the "do not edit" banner
    origin: Problem  # where a person would change its name, for clash messages
    context: dict[str, Any] = field(default_factory=dict)


#: The pages made once: (page, template, what they are generated from). The directory,
#: services/index.md, is the first page of the A to Z listing (``_listing_pages``).
PAGES = [
    ("index.md", "home.html", "data/"),
    ("search.md", "search.html", "data/"),
    ("my-list.md", "my-list.html", "data/services.yaml"),
    ("balanced-system.md", "balanced-system.html", "data/vocabularies.yaml"),
    ("timeline.md", "timeline.html", "data/timeline.yaml"),
    ("updates/index.md", "updates.html", "data/updates.yaml"),
    ("documents.md", "documents.html", "data/documents.yaml"),
    ("surveys.md", "surveys.html", "data/surveys.yaml"),
    ("other-formats.md", "other-formats.html", "data/site.yaml"),
]
#: Services on one page of the directory's A to Z listing, which is what a visitor without
#: JavaScript browses (with it, the directory's filters list the matching services).
LISTING_SIZE = 50

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
    if project.accessibility is not None:  # else content/accessibility.md is the statement
        statement = project.accessibility.problem(None, "")
        table.append(
            Route(
                "accessibility.md",
                "accessibility.html",
                statement.file,
                statement,
                {"statement": project.accessibility},
            )
        )
    table += _listing_pages(site, built_in)
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
            origin = (
                record.problem("id", "")  # located by validate, in whichever file it is
                if record._locate
                else source.problem((*where, i, "id"), "")
                if source
                else built_in
            )
            table.append(
                Route(
                    address.format(id=record.id),
                    template,
                    origin.file if record._locate else f"data/{file}",  # its own file
                    origin,
                    {name: shown[name][record.id]},
                )
            )
    return table


def listing_page(number: int) -> str:
    """The docs path of page ``number`` of the directory's A to Z listing."""
    return "services/index.md" if number == 1 else f"services/page-{number}.md"


def _listing_pages(site: Site, origin: Problem) -> list[Route]:
    """The pages of the A to Z listing (the first is the directory itself), each with what
    it lists: its services, its number, and the paths of all the listing's pages."""
    size = LISTING_SIZE
    chunks = [site.services[i : i + size] for i in range(0, len(site.services), size)] or [[]]
    paths = [listing_page(n) for n in range(1, len(chunks) + 1)]
    return [
        Route(
            path,
            "services.html",
            "data/services.yaml",
            origin,
            {
                "listing": {
                    "services": chunk,
                    "number": n,
                    "paths": paths,
                    "first": (n - 1) * size + 1,
                }
            },
        )
        for n, (path, chunk) in enumerate(zip(paths, chunks, strict=True), 1)
    ]


def navigation(site: Site) -> list[dict[str, Any]]:
    """The site's menu, from the route table and the vocabularies (never kept by hand)."""
    project = site.project
    pages = {r.path for r in routes(site)} | set(project.content)

    def present(*paths: str) -> list[str]:
        return [p for p in paths if p in pages]

    audiences = [f"audiences/{a.id}.md" for a in project.vocabularies.audiences]
    sections = [
        ("Information for you", present(*audiences)),
        ("Services", present("services/index.md", "search.md", "my-list.md", "balanced-system.md")),
        (
            f"The {project.site.work}",
            present("timeline.md", "updates/index.md", "surveys.md", "documents.md"),
        ),
        ("Help", present("glossary.md", "other-formats.md", "accessibility.md")),
    ]
    return [{"Home": "index.md"}] + [{title: items} for title, items in sections if items]


def builder_config(site: Site, *, policy: bool = True) -> dict[str, Any]:
    """What every builder must be told that comes from the data, not from ``mkdocs.yml``:
    the site's name, description and address, the menu, and the security policy that
    every page carries in a ``<meta>`` (``policy=False`` for a live preview, whose reload
    script is inline).

    Material prints these values into its own templates as they are, without escaping
    them (the description into a ``<meta>`` attribute, names into the header and menu), so
    every piece of text goes to the builder encoded as ``sanitise.encode`` writes page
    bodies: each ASCII punctuation character a character reference. Whatever a template
    does with it, it is text. (Where Material escapes it once more, ``mend`` undoes the
    second escaping.) ``site_url`` is an address, checked by its model to hold nothing that
    needs escaping.
    """
    settings = site.settings
    config: dict[str, Any] = {
        "site_name": encode(settings.short_name),
        "nav": _encoded(navigation(site)),
    }
    if settings.description:
        config["site_description"] = encode(settings.description)
    if settings.site_url:
        config["site_url"] = settings.site_url
    if policy:
        config["extra"] = {"content_security_policy": meta_policy()}
    return config


def _encoded(menu: Any) -> Any:
    """The menu with every title encoded; page paths are the route table's, left as they are."""
    if isinstance(menu, list):
        return [_encoded(item) for item in menu]
    if isinstance(menu, dict):
        return {encode(title): _encoded(value) for title, value in menu.items()}
    return menu


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
    entries.append(("filters/cards-0.json", Problem("(built-in file)", 1, "", "")))
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
