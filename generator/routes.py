"""The route table: which page each record kind becomes, with its template.

Page names, the site's menu, what builders are told and the clash checks all come from
``PAGES`` and the registry of kinds (``kinds.KINDS``), so no page address is written
anywhere else (templates link with ``url('services/…md')``, which ``sanitise`` turns into
relative addresses).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from . import kinds, oruk
from .errors import Problem
from .headers import meta_policy
from .model import ShownService, SiteModel, long_date
from .sanitise import encode, url_of
from .validate import Project


@dataclass(frozen=True)
class Listing:
    """One page of the directory's A to Z listing: its services, its number, the paths of
    all the listing's pages, the place in A to Z of its first service, and how many
    services the directory has (a page that counts them reads no other record)."""

    services: list[ShownService]
    number: int
    paths: list[str]
    first: int
    total: int


@dataclass(frozen=True)
class Browse:
    """One page of a list of the services of one kind of help, area, need, audience's kind
    of help or cell of the Balanced System®: what a link to "those services" leads to, with
    or without JavaScript (the directory's filters need it)."""

    title: str
    lead: str  # what the services have in common, a sentence
    services: list[ShownService]  # on this page, ``open_first``
    total: int  # on all its pages
    number: int
    paths: list[str]
    first: int  # the place in the list of this page's first service
    query: str  # the directory's filters that choose the same services: ``type=ot``


@dataclass(frozen=True)
class Route:
    """One page: where it goes in the docs folder, its template, and what it is made from."""

    path: str  # e.g. services/speech-advice-line.md
    template: str
    source: str  # the data it is generated from, for the "do not edit" banner
    #: Where a person would change its name, for clash messages (for a record's page,
    #: None: ``located`` works it out from the record, only when a clash needs it).
    origin: Problem | None
    #: The record the page is about, and the template's name for it (``service``).
    record: tuple[str, Any] | None = None
    listing: Listing | None = None  # on a page of the A to Z listing
    browse: Browse | None = None  # on a page of services that have one thing in common
    #: The page a deep page sits under, for its breadcrumbs ("Home, Directory of services"):
    #: a record's page, its kind's list; a list of services, the page that links to it.
    parent: str | None = None

    def located(self) -> Problem:
        """Where a person would change the page's name (``origin``)."""
        if self.origin is not None:
            return self.origin
        assert self.record is not None
        found: Problem = self.record[1].problem("id", "")
        return found

    @property
    def context(self) -> dict[str, Any]:
        """What the page's template has besides what every template has."""
        found: dict[str, Any] = {"listing": self.listing} if self.listing else {}
        if self.browse:
            found["browse"] = self.browse
        if self.record:
            found[self.record[0]] = self.record[1]
        return found


#: The pages made once, besides each kind's list (``Kind.listing``): (page, template, what
#: they are generated from). The directory, services/index.md, is the first page of the A
#: to Z listing (``_listing_pages``).
PAGES = [
    ("index.md", "home.html", "data/"),
    ("search.md", "search.html", "data/"),
    ("my-list.md", "my-list.html", "data/services.yaml"),
    ("balanced-system.md", "balanced-system.html", "data/vocabularies.yaml"),
    ("other-formats.md", "other-formats.html", "data/site.yaml"),
    ("privacy.md", "privacy.html", "data/site.yaml"),
    ("covers.md", "covers.html", "data/coverage.yaml"),
]
#: Services on one page of the directory's A to Z listing, which is what a visitor without
#: JavaScript browses (with it, the directory's filters list the matching services).
LISTING_SIZE = 50
#: How many services a page shows of a group before it links to the list of them all
#: (``Browse``): an audience's page, of each kind of help (the children's page, which lists
#: names only, shows more), and the Balanced System® page, of each cell of the grid. A list
#: is made only where a page links to it.
FIRST_FEW = {"audience": 3, "children": 10, "grid": 8}
#: Each audience's page (audiences are terms of the vocabularies, not records).
AUDIENCE_PAGE = "audiences/{id}.md"
#: The area's colours, a stylesheet beside the pages that the theme links to.
BRAND_CSS = "assets/stylesheets/brand.css"


def _menu_routes(site: SiteModel, built_in: Problem) -> list[Route]:
    """The pages the menu may name: those made once, each kind's list, the accessibility
    statement when it is made from data, and each audience's page (cheap to list, so the
    menu never needs the whole table, which holds a page for every record and list)."""
    project = site.project
    table = [Route(path, template, source, built_in) for path, template, source in PAGES]
    table += [
        Route(k.listing[0], k.listing[1], f"data/{k.file}", built_in)
        for k in kinds.KINDS
        if k.listing
    ]
    if project.accessibility is not None:  # else content/accessibility.md is the statement
        statement = project.accessibility.problem(None, "")
        table.append(
            Route(
                "accessibility.md",
                "accessibility.html",
                statement.file,
                statement,
                ("statement", project.accessibility),
            )
        )
    for audience in project.vocabularies.audiences:
        page = AUDIENCE_PAGE.format(id=audience.id)
        source = audience.typed_in()
        table.append(Route(page, "audience.html", source, None, ("audience", audience)))
    return table


def routes(site: SiteModel) -> list[Route]:
    """Every generated page of the site, from ``PAGES`` and the kinds of ``kinds.KINDS``:
    the one place page names are decided."""
    built_in = Problem("(built-in page)", 1, "", "")
    table = _menu_routes(site, built_in)
    table += _listing_pages(site, built_in)
    table += _browse_pages(site, built_in)
    for kind in kinds.KINDS:
        if kind.page is None or kind.template is None:
            continue
        for record in site.records[kind.name]:
            page = kind.page.format(id=record.id)
            parent = kind.listing[0] if kind.listing else listing_page(1)
            source = record.typed_in()  # in whichever file it was typed
            own = (kind.name, record)
            table.append(Route(page, kind.template, source, None, own, parent=parent))
    return table


def listing_page(number: int) -> str:
    """The docs path of page ``number`` of the directory's A to Z listing."""
    return "services/index.md" if number == 1 else f"services/page-{number}.md"


def _listing_pages(site: SiteModel, origin: Problem) -> list[Route]:
    """The pages of the A to Z listing (the first is the directory itself)."""
    size = LISTING_SIZE
    chunks = [site.services[i : i + size] for i in range(0, len(site.services), size)] or [[]]
    paths = [listing_page(n) for n in range(1, len(chunks) + 1)]
    return [
        Route(
            path,
            "services.html",
            "data/services.yaml",
            origin,
            listing=Listing(chunk, n, paths, (n - 1) * size + 1, len(site.services)),
            parent=None if n == 1 else paths[0],
        )
        for n, (path, chunk) in enumerate(zip(paths, chunks, strict=True), 1)
    ]


def browse_page(kind: str, *ids: str) -> str:
    """The docs path of the first page of services of one ``kind`` of thing: ``help``
    (a discipline), ``areas``, ``needs``, ``audiences`` (an audience's discipline) or
    ``balanced-system`` (a strand's level)."""
    return f"{kind}/{'/'.join(ids)}.md"


#: The page a list of services is reached from, by its first folder (else the directory).
_BROWSED_FROM = {"balanced-system": "balanced-system.md"}


def _browse_pages(site: SiteModel, origin: Problem) -> list[Route]:
    """Every list of services a link can lead to (see ``Browse``), paged as the A to Z is:
    each kind of help, area and need, each audience's kinds of help and each cell of the
    Balanced System® grid, the services in each ``open_first``."""
    terms, table = site.terms, []

    def add(path: str, title: str, lead: str, chosen: list[ShownService], query: str) -> None:
        size = LISTING_SIZE
        chunks = [chosen[i : i + size] for i in range(0, len(chosen), size)] or [[]]
        paths = [path] + [f"{path[:-3]}/page-{n}.md" for n in range(2, len(chunks) + 1)]
        parent = _BROWSED_FROM.get(path.split("/")[0], listing_page(1))
        if path.startswith("audiences/"):
            parent = AUDIENCE_PAGE.format(id=path.split("/")[1])
        for n, (page, chunk) in enumerate(zip(paths, chunks, strict=True), 1):
            browse = Browse(title, lead, chunk, len(chosen), n, paths, (n - 1) * size + 1, query)
            table.append(
                Route(
                    page,
                    "browse.html",
                    "data/services.yaml",
                    origin,
                    browse=browse,
                    parent=parent if n == 1 else path,
                )
            )

    running = site.open_first(site.running)
    for d in terms.disciplines.values():
        chosen = [s for s in running if s.discipline == d.id]
        lead = d.description or f"{d.name}."
        add(browse_page("help", d.id), d.plain or d.name, lead, chosen, f"type={d.id}")
    for a in terms.areas.values():
        chosen = [s for s in running if a.id in s.areas]
        lead = a.description or f"Services in {a.name}."
        add(browse_page("areas", a.id), f"Services in {a.name}", lead, chosen, f"area={a.id}")
    for need in terms.needs.values():
        chosen = [s for s in running if need.id in s.needs]
        lead = need.description or f"{need.name}."
        add(browse_page("needs", need.id), need.plain or need.name, lead, chosen, f"need={need.id}")
    for audience in terms.audiences.values():
        few = FIRST_FEW["children" if audience.reading == "child" else "audience"]
        for d, group in site.by_discipline(site.for_audience(audience.id)["services"]):
            if len(group) <= few:
                continue
            kind = (audience.plain_words and d.plain) or d.name
            title = f"{kind}: services for {audience.name[0].lower()}{audience.name[1:]}"
            query = f"audience={audience.id}&type={d.id}"
            lead = d.description or f"{d.name}."
            add(browse_page("audiences", audience.id, d.id), title, lead, group, query)
    for strand, levels in site.grid.items():
        for level, cell in levels.items():
            if len(cell) > FIRST_FEW["grid"]:
                title = f"{terms.strands[strand].name}, {terms.levels[level].name}"
                lead = f"Services of the Balanced System®: {title.lower()}."
                query = f"strand={strand}&level={level}"
                chosen = site.open_first(cell)
                add(browse_page("balanced-system", strand, level), title, lead, chosen, query)
    return table


def _sections(site: SiteModel) -> list[tuple[str, list[str], bool]]:
    """The menu's sections: (title, pages, whether the header's service navigation shows
    them). Families' ways in (the directory, search, My list) and the work's own lists go
    in the header; the audiences' pages (linked from the home page) and the pages that
    explain (the words, the Balanced System®, other formats, accessibility, privacy) go in
    every page's footer with the rest."""
    project = site.project
    built_in = Problem("(built-in page)", 1, "", "")
    pages = {r.path for r in _menu_routes(site, built_in)} | {listing_page(1)}
    pages |= set(project.content)

    def present(*paths: str) -> list[str]:
        return [p for p in paths if p in pages]

    audiences = [AUDIENCE_PAGE.format(id=a.id) for a in project.vocabularies.audiences]
    listings = [k.listing[0] for k in kinds.KINDS if k.listing]
    help_pages = ("glossary.md", "balanced-system.md", "other-formats.md", "accessibility.md")
    sections = [
        ("Information for you", present(*audiences), False),
        ("Services", present("services/index.md", "search.md", "my-list.md"), True),
        (f"The {project.site.work}", present(*listings), True),
        ("Help", present(*help_pages, "covers.md", "privacy.md"), False),
    ]
    return [section for section in sections if section[1]]


def navigation(site: SiteModel) -> list[dict[str, Any]]:
    """The site's menu, from the route table and the vocabularies (never kept by hand):
    each kind's list goes in the project's section, in the registry's order."""
    return [{"Home": "index.md"}] + [{title: items} for title, items, _ in _sections(site)]


def tel(phone: str) -> str:
    """A ``tel:`` address of a phone number as people write it."""
    return "tel:" + re.sub(r"[^\d+]", "", phone)


def look(site: SiteModel) -> dict[str, Any]:
    """What the theme's header and footer show (``theme/main.html``), from the data: the
    brand, the organisations, the contact, the sections the header's navigation holds and
    when the information was last checked. Every text is encoded (see ``builder_config``);
    a logo's path is percent-encoded, so it is an address whatever its file is called."""
    settings = site.settings
    brand, contact = settings.brand, settings.contact
    services = site.project.services
    checked = settings.last_checked or max((s.last_reviewed for s in services), default=None)
    found: dict[str, Any] = {
        "logos": [{"src": quote(logo.image), "alt": encode(logo.alt)} for logo in brand.logos],
        "run_by": encode(brand.run_by or ""),
        "header_sections": [encode(title) for title, _, shown in _sections(site) if shown],
        "organisations": [encode(name) for name in settings.organisations],
        "phone": encode(contact.phone or ""),
        "tel": tel(contact.phone or ""),
        "email": encode(contact.email or ""),
        "hours": encode(contact.hours or ""),
        "address": encode(contact.address or ""),
        "feedback": encode(settings.feedback_url),
        "checked": long_date(checked) if checked else "",
    }
    if brand.main_local_offer:
        offer = brand.main_local_offer
        found["main_offer"] = {"title": encode(offer.title), "url": encode(offer.url)}
    return found


def builder_config(site: SiteModel, *, policy: bool = True) -> dict[str, Any]:
    """What every builder must be told that comes from the data, not from ``mkdocs.yml``:
    the site's name, description and address, the menu, what the header and footer show
    (``look``), and the security policy that
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
    config["extra"] = {"lo": look(site)}
    if policy:
        config["extra"]["content_security_policy"] = meta_policy()
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
    entries: list[tuple[str, Callable[[], Problem]]] = [(r.path, r.located) for r in table]
    entries += [(name, _at(f"content/{name}")) for name in project.content]
    built_in = _at("(built-in file)")
    entries += [(n, built_in) for n in oruk.built_in(project.site)]
    extra = ["filters/cards-0.json", BRAND_CSS, "updates.xml", "calendar.ics"]
    entries += [(name, built_in) for name in extra]
    problems = oruk.folder_problems(project.site, entries)  # the open data's folder
    owners: dict[str, tuple[str, Callable[[], Problem]]] = {}
    folders: dict[str, tuple[str, Callable[[], Problem]]] = {}
    for path, origin in entries:
        address = url_of(path)
        if address in owners:
            msg = f"would have the same address as {_described(*owners[address])}; rename one"
            problems.append(replace(origin(), message=msg))
        owners.setdefault(address, (path, origin))
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folders.setdefault("/".join(parts[:depth]), (path, origin))
    for path, origin in entries:
        if path in folders:
            msg = f"is a file where {_described(*folders[path])} needs a folder; rename one"
            problems.append(replace(origin(), message=msg))
    return problems


def _at(file: str) -> Callable[[], Problem]:
    """Where a page or file of ``file`` comes from, as ``check_names`` asks for it."""
    return lambda: Problem(file, 1, "", "")


def _described(path: str, located: Callable[[], Problem]) -> str:
    origin = located()
    if origin.file.startswith("content/"):
        return origin.file
    return f"the page {path} (from {origin.file}:{origin.line})"
