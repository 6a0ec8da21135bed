"""Stage 4: turn the site model into pages; pure functions (but ``show_problem``, which
writes a preview's error page into its docs folder).

Templates are HTML with Jinja2's autoescape on and ``StrictUndefined``: every value from
YAML is escaped unless it is a markdown field, whose HTML was sanitised when it was
validated (``models.Prose``). Each page's HTML then goes through ``sanitise.inert``, which
writes it so that no markdown extension of any builder can read anything into it. Built-in
templates live in ``generator/templates``; a site replaces one by putting a file of the same
name in ``theme/``, and may extend the built-in one as ``builtin/NAME``.

Which pages there are, and their names, is decided in ``routes``.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import json
import posixpath
import re
from collections.abc import Callable, Sized
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from . import depends, kinds, models
from .errors import DataError, Problem
from .feeds import feed_files, service_ld
from .load import strings
from .markup import refused
from .memo import COMPILED, Memo
from .model import FileInfo, ShownService, ShownStage, ShownSurvey, SiteModel, Terms, long_date
from .oruk import API_LISTS, FEED_PAGE, api_files, page_path, root_path
from .parallel import in_two_steps
from .routes import BRAND_CSS, FIRST_FEW, Route, check_names, routes, tel
from .sanitise import LinkError, MarkupError, encode, inert, relative_url, url_of
from .search import AGES, directory_files, facts, found_words, places, record, record_reads
from .validate import Project

TEMPLATES = Path(__file__).parent / "templates"


def headings_from(prose: models.Prose, level: int) -> Markup:
    """A markdown field placed straight under the page's ``<h1>``: its headings (which start
    at ``<h3>``, for fields placed under an ``<h2>``) start at ``level`` instead, so no
    level is skipped. The HTML is the field's sanitised HTML."""
    shift = 3 - level
    html = re.sub(r"<(/?)h([3-6])\b", lambda m: f"<{m[1]}h{int(m[2]) - shift}", prose.html)
    return Markup(html)  # sanitised when validated; only heading levels change


def month(value: date) -> str:
    return f"{value:%B %Y}"


def plural(count: int | Sized, one: str, many: str | None = None) -> str:
    """A count with its noun, for any number: ``3|plural('strand')`` is "3 strands",
    ``1|plural('strand')`` is "1 strand"; ``many`` where adding "s" is wrong
    (``plural('service is', 'services are')``). A list counts its items."""
    number = count if isinstance(count, int) else len(count)
    return f"{number} {one if number == 1 else many or one + 's'}"


# --- rendering ------------------------------------------------------------------------------


def environment(root: Path) -> jinja2.Environment:
    """The Jinja2 environment: the site's ``theme/`` first, then ours (also as ``builtin/``);
    its templates compiled once a process (``memo.COMPILED``)."""
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
        bytecode_cache=COMPILED,
    )
    env.context_class = depends.Reading  # each page's lookups written down (``_Made``)
    env.filters.update(
        tel=tel, long_date=long_date, month=month, headings_from=headings_from, plural=plural
    )
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


_ID = re.compile(r'id="([^"]+)"')  # a literal first: found by a fast search, not char by char
_WORD = re.compile(r"\w")


def _ids(html: str) -> frozenset[str]:
    """The values of ``id="…"`` in ``html`` where ``id`` starts a word (as ``\\bid="``
    finds them, which the regular expression engine looks for at every character)."""
    return frozenset(
        m.group(1)
        for m in _ID.finditer(html)
        if not m.start() or not _WORD.match(html, m.start() - 1)
    )


def render_site(
    site: SiteModel,
    env: jinja2.Environment,
    *,
    zensical: bool = False,
    memo: Memo | None = None,
    data: bool = True,
) -> dict[str, bytes]:
    """Every file of the docs folder, keyed by its path there; without ``data``, all but
    the files made from the data that are no pages (``data_files``: a build makes them
    while search indexes the pages).

    Pages are rendered to HTML first, so that every ``site:`` link can be checked against
    the pages and anchors that really exist; then each is written as markdown a builder
    passes through untouched. Files of ``content/`` that are not pages are copied as they are.
    """
    project = site.project
    memo = memo or Memo()  # one for every page: they share their lines (``sanitise.inert``)
    table = routes(site)
    problems = check_names(project, table)
    if problems:
        raise DataError(problems)
    found_words(site, memo)  # each service's thesaurus words, from the memo where it can
    common = _context(site, {r.path for r in table} | set(project.content))
    made = _Made(env, site, common, memo, zensical)
    checked: dict[str, str] = {}  # path: when the record it shows was last checked
    described: dict[str, ShownService] = {}  # path: a service, whose JSON-LD it holds
    jobs: list[_Job] = []
    for route in table:
        banner = f"Generated from {route.source} by the Local Offer generator: do not edit."
        jobs.append(_Job(route.path, route.template, route.context, None, banner, None))
        reviewed = getattr(route.record[1], "last_reviewed", None) if route.record else None
        if isinstance(reviewed, date):
            checked[route.path] = long_date(reviewed)
        if route.record and route.record[0] == "service" and memo.want_pages:
            described[route.path] = route.record[1]
    files: dict[str, bytes] = {}
    for name, item in project.content.items():
        if isinstance(item, models.Page):
            banner = f"Copied from content/{name}: edit that file, not this one."
            own = {"content": item}
            jobs.append(_Job(name, "content-page.html", own, item.title, banner, item.description))
        else:
            files[name] = item
    content_files = files

    def between(briefs: list[_Body]) -> Callable[[str, _Body], bytes | Problem | None]:
        """Once every page is rendered (``briefs``: each without its HTML), how to write
        one: its links checked against every page's ids and every file. Worked out by each
        process that writes pages (``parallel.in_two_steps``)."""
        bodies = dict(zip((job.path for job in jobs), briefs, strict=True))
        by_path = {r.path: r for r in table}
        trails = {r.path: _breadcrumbs(r, by_path, bodies) for r in table if r.parent}
        files = _named_files(site, content_files)  # what a link may lead to besides pages
        anchors = {path: body.anchors for path, body in bodies.items()}
        origins = _link_origins(project)
        answers: dict[str, str] = {}  # each target's problem: the same from every page

        def problem(target: str) -> str:
            if target not in answers:
                answers[target] = _link_problem(target, anchors, files)
            return answers[target]

        def write(path: str, made: _Body) -> bytes | Problem | None:
            """The page as the docs folder holds it (None in a check), or its problem."""
            title, html, digest, _, description, banner = made
            try:
                body = _inert(path, html, digest, zensical, problem, memo)
            except LinkError as exc:
                return _locate(exc, path, origins, project)
            except MarkupError as exc:
                return _markup_problem(exc, path, project)
            if not memo.want_pages:
                return None
            # The JSON-LD made here, by the process that writes the page: on two cores.
            service = described.get(path)
            ld = service_ld(service, site) if service is not None else None
            meta = (checked.get(path), trails.get(path), ld)
            return _page(title, description, banner, body, *meta)

        return write

    # Each page rendered, then written inert, on two cores where it pays (``parallel``).
    written = in_two_steps(
        jobs,
        made.made,
        lambda made: made._replace(html=None),  # what the other process needs of a page
        between,
        lambda job, made, write: write(job.path, made),
        memo,
    )
    pages: dict[str, bytes] = {}
    for job, page in zip(jobs, written, strict=True):
        if isinstance(page, Problem):
            problems.append(page)
        elif page is not None:
            pages[job.path] = page
    memo.chunks.clear()  # a run's lines: hundreds of MB at a county's size, used up
    memo.chunks.seen.clear()
    if problems:
        raise DataError(problems)
    if memo.want_pages:
        pages.update(content_files)
        pages[BRAND_CSS] = brand_css(project.site.brand)
        if data:
            pages.update(data_files(site))
    return pages


def data_files(site: SiteModel) -> dict[str, bytes]:
    """The files of the docs folder made from the data that are no pages: the open data
    API's, the feeds and calendars, the directory's filter data."""
    project = site.project
    files = api_files(list(site.services), project.vocabularies, project.site)
    files.update(feed_files(site))
    files.update(directory_files(site))
    return files


def _named_files(site: SiteModel, content: dict[str, bytes]) -> dict[str, bytes]:
    """The docs folder's files that are no pages, for the links into them: by their paths
    only (their bytes are never read), ``data_files`` among them. The API's thousands of
    files are made if a link leads into the API's folder, and only then (``_Files``)."""
    settings = site.project.site
    files = dict.fromkeys([*content, BRAND_CSS], b"")
    base = settings.api_base
    always = [root_path(base), "_redirects", "_headers"]  # and each list's first page:
    always += [page_path(base, name, 1) for name in API_LISTS]  # an empty one has one
    files.update(dict.fromkeys(always, b""))
    files.update(feed_files(site, made=False))
    files.update(directory_files(site, made=False))
    services: list[models.Service] = list(site.services)
    vocabularies = site.project.vocabularies
    return _Files(files, lambda: api_files(services, vocabularies, settings), (f"{base}/",))


class _Files(dict[str, bytes]):
    """The docs folder's files that are no pages, by their paths, for the links into them:
    the open data API's files, thousands at a county's size, are made when a link is
    checked against them (``_link_problem`` asks whether a path is one), not otherwise."""

    def __init__(
        self,
        files: dict[str, bytes],
        later: Callable[[], dict[str, bytes]],
        under: tuple[str, ...],
    ) -> None:
        super().__init__(files)
        self.later: Callable[[], dict[str, bytes]] | None = later
        self.under = under  # what the paths of the files made later start with

    def __contains__(self, path: object) -> bool:
        if super().__contains__(path):
            return True
        if self.later is not None and isinstance(path, str) and path.startswith(self.under):
            self.update(self.later())
            self.later = None
        return super().__contains__(path)


class _Job(NamedTuple):
    """A page to make: its path, template, its route's own values, its title if known (a
    content page's), its banner and its description (a content page's)."""

    path: str
    template: str
    own: dict[str, Any]
    title: str | None
    banner: str
    description: str | None


class _Body(NamedTuple):
    """A page as rendered: its title, its HTML (None when it is known from an earlier run,
    whose body is kept: ``_Made``), the HTML's digest, its ids, description and banner."""

    title: str
    html: str | None
    digest: bytes
    anchors: frozenset[str]
    description: str | None
    banner: str


depends.WALKED.add(Terms)  # the vocabularies' terms by id: digested as a record is

#: The functions templates call whose calls a page's key follows (``depends``).
_FOLLOWED = ("similar", "by_discipline", "for_audience", "search_record")


class _Made:
    """Each page's HTML: rendered, or, with a memo kept across runs, known from an earlier
    run when every value it read and every call it made gives the same as then (``depends``:
    its key). A page whose key cannot be worked out is rendered every time."""

    def __init__(
        self, env: jinja2.Environment, site: SiteModel, common: Context, memo: Memo, zensical: bool
    ) -> None:
        self.env, self.site, self.common, self.memo = env, site, common, memo
        self.zensical = zensical
        self.common_names = set(common.of("", {}))  # what every template may look up
        self.digests = depends.Digests()
        self.shared: dict[str, bytes] = {}
        self.called: dict[tuple[str, tuple[object, ...]], bytes] = {}
        self.functions: dict[str, Callable[..., Any]] = {
            "similar": site.similar,
            "by_discipline": site.by_discipline,
            "for_audience": site.for_audience,
            "search_record": lambda service: record(site, service),
        }
        #: For the functions whose answer costs more than what they read, what they read.
        self.reads_of: dict[str, Callable[[Any], tuple[object, ...]]] = {
            "similar": site.similar_reads,
            "search_record": lambda service: record_reads(site, service),
        }
        self.records: dict[tuple[str, str], Any] = {
            (type(r).__name__, r.id): r
            for records in site.records.values()
            for r in records
            if isinstance(getattr(r, "id", None), str)
        }
        self.templates = _templates_digest(env) if memo.across_runs else b""

    def made(self, job: _Job) -> _Body:
        """The page of ``job``, rendered or known (``page``)."""
        body = self.page(job.path, job.template, job.own, job.title, job.banner)
        return body._replace(description=job.description)

    def page(
        self, path: str, template: str, own: dict[str, Any], title: str | None, banner: str
    ) -> _Body:
        """The page ``path``, made with ``template`` from its route's values ``own``."""
        values = self.common.of(path, own)
        if self.memo.across_runs:
            self.memo.used_rendered.add(path)
            known = self.memo.rendered.get(path)
            links = self.memo.links.get((path, self.zensical))
            body = self.memo.bodies.get((path, self.zensical))
            same = (
                known is not None
                and links is not None
                and links[0] == known[4]
                and (not self.memo.want_pages or (body is not None and body[0] == known[4]))
            )
            if (
                known
                and same
                and known[0] == template
                and self._key(path, template, values, own, known[2], known[3]) == known[1]
            ):
                found = title if title is not None else known[5]
                return _Body(found, None, known[4], known[6], None, banner)
        html = self._render(template, values)
        found = title if title is not None else _title(html, path)
        anchors = _ids(html)
        if not self.memo.across_runs:  # a single run: no key, no digest, for no later run
            return _Body(found, html, b"", anchors, None, banner)
        digest = hashlib.blake2b(html.encode(), digest_size=16).digest()
        reads = self.reads
        names, calls = tuple(sorted(reads.names)), tuple(dict.fromkeys(reads.calls))
        key = self._key(path, template, values, own, names, calls) if reads.cacheable else None
        if key is not None:
            self.memo.rendered[path] = (template, key, names, calls, digest, found, anchors)
            self.memo.changed = True
        else:
            self.memo.used_rendered.discard(path)  # made every time: nothing kept
        return _Body(found, html, digest, anchors, None, banner)

    def _render(self, template: str, values: dict[str, Any]) -> str:
        """The page's HTML; with a memo kept across runs, what it reads written down
        (``self.reads``), for its key."""
        self.memo.rendered.pop(values["page"], None)  # made again: what was known is not
        self.reads = reads = depends.Reads()
        if not self.memo.across_runs:
            return _render(self.env, template, values)
        for name in _FOLLOWED:
            values[name] = reads.calling(name, self.functions[name])
        with depends.reading(reads):
            return _render(self.env, template, values)

    def _key(
        self,
        path: str,
        template: str,
        values: dict[str, Any],
        own: dict[str, Any],
        names: tuple[str, ...],
        calls: tuple[tuple[str, tuple[object, ...]], ...],
    ) -> bytes | None:
        """The digest of what the page read (``names``) and what its calls gave, now: of
        each name and its value's digest, then of each call and its result's digest. (Put
        together once and digested at once: 6,600 pages of a county, each reading about
        20 names, work their keys out on every run.)"""
        parts = [self.templates, f"{path}\0{template}\0".encode()]
        try:
            for name in names:
                parts.append(_LABELS.get(name) or _LABELS.setdefault(name, f"{name}=".encode()))
                if name in _FOLLOWED or name == "url":
                    continue  # the calls are followed below; url() is the same every run
                if name in own or name == "page" or name not in self.common_names:
                    value = values.get(name, _MISSING)  # a template's own {% set %}: missing
                    parts.append(_MISSING_DIGEST if value is _MISSING else self.digests.of(value))
                else:
                    shared = self.shared.get(name)
                    if shared is None:
                        shared = self.shared[name] = self.digests.of(values[name])
                    parts.append(shared)
            for name, tokens in calls:
                parts.append(self._call(name, tokens))
        except (depends.Undigestible, LookupError):
            return None
        return hashlib.blake2b(b"".join(parts), digest_size=16).digest()

    def _call(self, name: str, tokens: tuple[object, ...]) -> bytes:
        """The call written out and the digest of what ``name(*tokens)`` gives now
        (``LookupError`` if one of the records it was given is gone); once a run for each
        call (a service's card is on many pages)."""
        found = self.called.get((name, tokens))
        if found is None:
            found = f"{name}{tokens!r}".encode() + self._result(name, tokens)
            self.called[name, tokens] = found
        return found

    def _result(self, name: str, tokens: tuple[object, ...]) -> bytes:
        named: dict[str, Any] = {}
        if tokens and isinstance(last := tokens[-1], tuple) and last[:1] == ("named",):
            tokens, named = tokens[:-1], {k: self._value(v) for k, v in last[1]}
        args = [self._value(t) for t in tokens]
        if name in self.reads_of and len(args) == 1 and not named:  # what it reads
            return self.digests.of(self.reads_of[name](*args))
        return self.digests.of(self.functions[name](*args, **named))

    def _value(self, token: object) -> Any:
        if isinstance(token, tuple) and token[0] == "record":
            return self.records[token[1], token[2]]
        if isinstance(token, tuple) and token[0] == "list":
            return [self._value(t) for t in token[1]]
        return token


#: What a template looks up that no one gave it (``searchable is not defined``), and its
#: digest, the same every run.
_MISSING = ("missing",)
_MISSING_DIGEST = depends.Digests().of(_MISSING)
#: Each name a template reads as a page's key starts it (``_Made._key``).
_LABELS: dict[str, bytes] = {}


def _templates_digest(env: jinja2.Environment) -> bytes:
    """Every template the pages can use, ours and the site's ``theme/`` ones, as digests."""
    hasher = hashlib.blake2b(digest_size=16)
    assert env.loader is not None
    for name in sorted(env.loader.list_templates()):
        try:
            source, filename, _ = env.loader.get_source(env, name)
        except (UnicodeDecodeError, OSError):  # not text (a theme's favicon): never a template
            hasher.update(f"{name}\0(not a template)\0".encode())
            continue
        hasher.update(f"{name}\0{filename}\0".encode() + source.encode() + b"\0")
    return hasher.digest()


def _inert(
    path: str,
    html: str | None,
    digest: bytes,
    zensical: bool,
    problem: Callable[[str], str],
    memo: Memo,
) -> str:
    """``inert(html)`` for the page ``path``; ``problem(target)`` says what is wrong with a
    ``site:`` link (empty if nothing), and a wrong one raises ``LinkError``.

    A memo kept across runs (a preview's, or the project's cache) gives back the body made
    last time of the same HTML (by ``digest``; ``html`` is None when ``_Made`` knew the page
    from then), so only the pages whose HTML changed are written again; a single run keeps
    no body.
    """
    targets: list[str] = []

    def resolve(target: str) -> str:
        if found := problem(target):
            raise LinkError(target, found)
        targets.append(target)
        return relative_url(path, target, from_source=zensical)

    if not memo.across_runs:
        assert html is not None
        return inert(html, resolve, refused, memo.chunks)
    key = (path, zensical)
    memo.used_bodies.add(key)
    known = memo.links.get(key)
    if known and known[0] == digest:
        for target in known[1]:  # its links may lead nowhere now
            if found := problem(target):
                raise LinkError(target, found)
        body = memo.bodies.get(key)
        if not memo.want_pages:
            return ""  # only its problems were wanted
        if body and body[0] == digest:
            return body[1]
    assert html is not None  # a page not rendered was known, with its body
    written = inert(html, resolve, refused, memo.chunks)
    memo.links[key] = (digest, tuple(targets))
    memo.changed = True
    if memo.want_pages:
        memo.bodies[key] = (digest, written)
        memo.bodies_new.add(key)
    return written


@dataclass(frozen=True)
class Context:
    """What every template may use, besides ``page`` (its docs path) and its route's own
    (``Route.context``: ``service``, ``update``, ``audience``, ``listing``…) and each kind's
    records by the kind's key (``services``, ``timeline``…): see README, "Templates"."""

    site: models.Settings
    model: SiteModel
    terms: Terms
    today: date
    grid: dict[str, dict[str, list[ShownService]]]
    survey_groups: dict[str, list[ShownSurvey]]
    by_discipline: Callable[[list[ShownService]], list[tuple[models.Term, list[ShownService]]]]
    for_audience: Callable[[str], dict[str, list[Any]]]
    current_stage: ShownStage | None
    next_stage: ShownStage | None
    running: list[ShownService]  # the services offered now: what lists show
    running_count: int  # how many: a page that only counts them reads no record
    not_running: list[ShownService]  # stopped or closed for now: listed apart
    running_number: dict[str, int]  # a running service's place in A to Z
    similar: Callable[[ShownService], list[ShownService]]  # running services to try instead
    files: dict[str, FileInfo]
    ages: list[int]  # the ages the directory's filter offers
    feed_size: int  # services a file of the open data feed holds
    places: dict[str, str]  # area names and towns, which search ranks by
    facts: dict[str, object]  # what the site's scripts share with the generator
    search_record: Callable[[ShownService], object]  # see service.html
    url: Callable[[str], str]  # a link to a docs path, made relative later
    pages: set[str]  # every page's docs path: {% if 'x.md' in pages %}
    first_few: dict[str, int]  # services a page shows of a group (``routes.FIRST_FEW``)

    def of(self, page: str, route: dict[str, Any]) -> dict[str, Any]:
        """The variables of the template of ``page``."""
        shared = {f.name: getattr(self, f.name) for f in fields(self)}
        records = {k.key: self.model.records[k.name] for k in kinds.KINDS}
        return {**shared, **records, **route, "page": page}


def _context(site: SiteModel, pages: set[str]) -> Context:
    return Context(
        site=site.settings,
        model=site,
        terms=site.terms,
        today=site.today,
        grid=site.grid,
        survey_groups=site.survey_groups,
        by_discipline=site.by_discipline,
        for_audience=site.for_audience,
        current_stage=site.current_stage,
        next_stage=site.next_stage,
        running=site.running,
        running_count=len(site.running),
        not_running=site.not_running,
        running_number=site.running_number,
        similar=site.similar,
        files=site.files,
        ages=list(AGES),
        feed_size=FEED_PAGE,
        places=places(site),
        facts=facts(),
        search_record=lambda service: record(site, service),
        url=lambda path: "site:" + path,
        pages=pages,
        first_few=FIRST_FEW,
    )


_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)


def _title(html: str, path: str) -> str:
    """The text of a page's ``<h1>``, which every built-in template has."""
    match = _H1.search(html)
    if not match:
        raise DataError([Problem(path, 1, "", "the page's template gives it no <h1> heading")])
    return _unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def _unescape(text: str) -> str:
    return " ".join(htmllib.unescape(text).split())


def _link_problem(target: str, anchors: dict[str, frozenset[str]], files: dict[str, bytes]) -> str:
    path, _, fragment = target.partition("#")
    path, fragment = unquote(path), unquote(fragment)
    if path in files and not fragment:
        return ""
    if path not in anchors and path in files:
        return f"link to '{target}': {path} is a file, not a page: it has no section '#{fragment}'"
    if path not in anchors:
        return f"link to '{target}': there is no page or file {path} in the site"
    if fragment and fragment not in anchors[path]:
        return f"link to '{target}': the page {path} has no section '#{fragment}'"
    return ""


def _link_origins(project: Project) -> dict[str, Problem]:
    """Where each ``site:`` link typed into a markdown field was typed."""
    found: dict[str, Problem] = {}
    for prose, origin in project.prose:
        for target in re.findall(r'href="site:([^"]+)"', prose.html):
            found.setdefault(target, origin)
    return found


def _locate(error: LinkError, page: str, origins: dict[str, Problem], project: Project) -> Problem:
    """A broken link, placed where a person can fix it: the line of the content page that
    holds it, the field, or the template that wrote it."""
    target, message = error.args
    content = project.content.get(page)
    line = _link_line(content, page, target) if isinstance(content, models.Page) else None
    if line is not None:
        return Problem(f"content/{page}", line, "", message)
    if target in origins:
        origin = origins[target]
        return Problem(origin.file, origin.line, origin.where, message)
    if isinstance(content, models.Page):
        return Problem(f"content/{page}", content.first_line, "", message)
    return Problem(page, 1, "", f"{message} (written by a template)")


#: Where a markdown line gives a link's address: ``[text](address)``, ``[text](<address>)``
#: or a reference ``[name]: address``.
_ADDRESS = re.compile(r"\]\(\s*<?([^\s()<>]*)|^ {0,3}\[[^\]]+\]:\s*<?([^\s<>]+)")


def _link_line(content: models.Page, page: str, target: str) -> int | None:
    """The line of ``content/<page>`` where the link to ``target`` (a ``site:`` path, as
    ``sanitise`` made it from the address typed) is written, if it can be found."""
    wanted = unquote(target)
    for number, text in enumerate(content.markdown.splitlines()):
        for found in _ADDRESS.finditer(text):
            parts = urlsplit((found[1] or found[2] or "").replace("&amp;", "&"))
            if parts.scheme or parts.netloc:
                continue
            path = unquote(parts.path)
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            fragment = f"#{unquote(parts.fragment)}" if parts.fragment else ""
            if (resolved if path else page) + fragment == wanted:
                return content.first_line + number
    return None


def _markup_problem(error: MarkupError, page: str, project: Project) -> Problem:
    """Markup a page may not hold, named with the page, and with the field it was typed
    into when a data file holds it (a template that prints a field unescaped)."""
    tag, what = error.args
    message = f"the page {page} would hold {what}: {tag}"
    element = tag.split(" ", 1)[0].rstrip(">").lower()
    for source in project.sources.values():
        for loc, value in strings(source.data):
            if element in value.lower():
                return source.problem(loc, f"{message}; a template prints this field as markup")
    return Problem(page, 1, "", f"{message} (written by a template)")


def _page(
    title: str,
    description: str | None,
    banner: str,
    body: str,
    checked: str | None = None,
    crumbs: list[tuple[str, str]] | None = None,
    ld: dict[str, object] | None = None,
) -> bytes:
    """A markdown file that every builder turns into exactly ``body``.

    The title and description go into front matter as double-quoted YAML holding only
    letters, digits, spaces and character references, so the theme can print them where it
    likes without escaping them; so do what the theme draws around a page: ``checked``,
    when the record it shows was last checked (the footer says it), and ``crumbs``, the
    pages it sits under (title, address), which the theme draws as breadcrumbs above the
    page's ``<main>``. ``ld``, a service's JSON-LD (``feeds.service_ld``), goes in as JSON
    (which YAML reads as it is); the theme prints it only through ``tojson``.
    """
    # ensure_ascii=False: YAML readers refuse JSON's surrogate escapes ("\ud83d\ude00").
    front = [f"title: {json.dumps(encode(title), ensure_ascii=False)}"]
    if description:
        front.append(f"description: {json.dumps(encode(description), ensure_ascii=False)}")
    if checked:
        front.append(f"checked: {json.dumps(encode(checked))}")
    if crumbs:
        trail = [{"title": encode(name), "url": address} for name, address in crumbs]
        front.append(f"crumbs: {json.dumps(trail, ensure_ascii=False)}")
    if ld:
        front.append(f"ld: {json.dumps(ld, ensure_ascii=False)}")
    return "---\n{}\n---\n\n<!-- {} -->\n\n{}\n".format("\n".join(front), banner, body).encode()


def brand_css(brand: models.Brand) -> bytes:
    """The stylesheet of the area's colours (``site.brand``; checked for contrast when the
    data was validated): the header and footer band, links and buttons in ``colour``, the
    current page's marker and form controls in ``accent``. Material's own colour settings
    are given the same, so none of its stock indigo shows anywhere."""
    return (
        ":root {\n"
        f"  --lo-brand: {brand.colour};\n"
        f"  --lo-accent: {brand.accent};\n"
        "  --md-primary-fg-color: var(--lo-brand);\n"
        "  --md-primary-fg-color--light: var(--lo-brand);\n"
        "  --md-primary-fg-color--dark: var(--lo-brand);\n"
        "  --md-accent-fg-color: var(--lo-brand);\n"
        "  --md-accent-fg-color--transparent: transparent;\n"
        "  --md-typeset-a-color: var(--lo-brand);\n"
        "}\n"
    ).encode()


def _breadcrumbs(
    route: Route, table: dict[str, Route], bodies: dict[str, _Body]
) -> list[tuple[str, str]]:
    """The trail from the home page to a deep page's parent (GOV.UK's breadcrumbs): each
    page's heading and address (``url_of``: a route's, so never made from what staff
    type), the home page as "Home"."""
    trail: list[tuple[str, str]] = []
    parent = route.parent
    while parent and parent in bodies and len(trail) < 5:
        trail.insert(0, (bodies[parent][0], url_of(parent)))
        parent = table[parent].parent if parent in table else None
    return [("Home", "."), *trail]


def show_problem(docs: Path, error: Exception) -> None:
    """Make every page of a preview's docs folder say what stops the site being built (a
    ``DataError``'s problems, one a line, or a ``BuildError``'s message): the open page
    reloads to it. Each line is encoded as text, like everything staff type."""
    lines = (
        [str(problem) for problem in error.problems]
        if isinstance(error, DataError)
        else str(error).splitlines()
    )
    items = "".join(f"<li><code>{encode(line)}</code></li>" for line in lines)
    body = (
        '<div class="lo-body" id="lo-main"><h1>The preview cannot be updated yet</h1>'
        '<div class="admonition danger"><p class="admonition-title">'
        f"{encode('Fix this, then save the file: this page comes back by itself.')}</p>"
        f"<ul>{items}</ul></div><p>{encode(_HOW_TO_READ)}</p></div>"
    )
    page = _page("Preview: something to fix", None, "Preview error page: do not edit.", body)
    names = [p for p in docs.rglob("*.md")] or [docs / "index.md"]
    for name in names:
        name.parent.mkdir(parents=True, exist_ok=True)
        name.write_bytes(page)


_HOW_TO_READ = (
    "Each line names the file and the line in it, then the field, then what is wrong. "
    "The published site is not changed by a preview."
)
