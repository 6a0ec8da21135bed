"""Stage 3: turn the validated project into markdown pages; pure functions, no file writes.

One Jinja2 environment with ``StrictUndefined`` (a misspelt name fails the build instead
of vanishing from the page). Templates live in ``generator/templates``; a site overrides
any of them by putting a file of the same name in ``theme/``. Values typed into YAML are
never trusted as markup: plain-text fields go through ``text`` (markdown and HTML escaped),
markdown fields through ``markdown_field`` (rendered, then sanitised with nh3).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import jinja2
import markdown
import nh3

from . import models
from .errors import DataError, Problem
from .oruk import services_feed
from .validate import Project

TEMPLATES = Path(__file__).parent / "templates"

# Characters Python-Markdown (with the tables extension) treats as escapable with "\".
_MD_ESCAPE = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_ALLOWED_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_FORMATS = {
    ".md": "Web page",
    ".pdf": "PDF",
    ".docx": "Word document",
    ".odt": "OpenDocument",
    ".xlsx": "Excel spreadsheet",
    ".csv": "CSV spreadsheet",
    ".txt": "Plain text",
}


def text(value: object) -> str:
    """Plain text for a markdown page: whitespace folded, HTML and markdown escaped."""
    folded = " ".join(str(value).split())
    return _MD_ESCAPE.sub(r"\\\1", html.escape(folded, quote=False))


def attr(value: object) -> str:
    """Text for an HTML attribute value."""
    return html.escape(" ".join(str(value).split()), quote=True)


def link(url: str) -> str:
    """A validated URL made safe as a markdown link destination."""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~")


def tel(phone: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", phone)


def markdown_field(value: str) -> str:
    """Markdown typed into YAML as sanitised HTML: no scripts, handlers or unsafe URLs.

    Headings are moved down to level 3 so they sit under the page's own headings. The
    block is raw HTML to the page's markdown, so nothing in it is parsed a second time.
    """
    rendered = markdown.markdown(value, extensions=["sane_lists"], output_format="html")
    rendered = re.sub(r"<(/?)h[12]\b", r"<\1h3", rendered)
    clean = nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes=_URL_SCHEMES,
        link_rel=None,
    )
    body = "\n".join(line for line in clean.splitlines() if line.strip())
    return f'<div class="lo-prose" markdown="0">\n{body}\n</div>'


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def month(value: date) -> str:
    return f"{value:%B %Y}"


# --- facts derived from the records and "today" -----------------------------------------


def survey_state(survey: models.Survey, today: date) -> str:
    """``upcoming``, ``open`` or ``closed`` on ``today``."""
    if today < survey.opens:
        return "upcoming"
    return "open" if today <= survey.closes else "closed"


def stage_state(stage: models.Stage, today: date) -> str:
    """``done``, ``current`` or ``next`` on ``today``."""
    if today < stage.start:
        return "next"
    return "done" if stage.end is not None and today > stage.end else "current"


def age_range(service: models.Service) -> str:
    low, high = service.min_age, service.max_age
    if low is None and high is None:
        return "All ages"
    if low is None:
        return f"Up to {high} years"
    if high is None:
        return f"From {low} years"
    return f"{low} to {high} years"


@dataclass(frozen=True)
class FileInfo:
    """What a download link must say: type and size (GOV.UK guidance)."""

    kind: str
    size: str | None


def file_info(path: str, size: int | None) -> FileInfo:
    suffix = PurePosixPath(path).suffix.lower()
    kind = _FORMATS.get(suffix, suffix.lstrip(".").upper() or "File")
    if size is None or suffix == ".md":
        return FileInfo(kind, None)  # a page of the site, not a download
    if size < 1024:
        return FileInfo(kind, f"{size} bytes")
    if size < 1024 * 1024:
        return FileInfo(kind, f"{size / 1024:.1f} KB")
    return FileInfo(kind, f"{size / 1024 / 1024:.1f} MB")


class Terms:
    """Lookup of vocabulary term names by id, for templates: ``terms.levels['universal']``."""

    def __init__(self, vocabularies: models.Vocabularies) -> None:
        for name in type(vocabularies).model_fields:
            setattr(self, name, {t.id: t for t in getattr(vocabularies, name)})

    @staticmethod
    def names(lookup: dict[str, models.Term], ids: Iterable[str]) -> str:
        return ", ".join(lookup[i].name for i in ids)


# --- the pages ---------------------------------------------------------------------------


def environment(root: Path) -> jinja2.Environment:
    """The Jinja2 environment: the site's ``theme/`` first, then our templates."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(root / "theme"), jinja2.FileSystemLoader(TEMPLATES)]
        ),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is markdown; values are escaped by the filters below
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        text=text,
        attr=attr,
        link=link,
        tel=tel,
        md=markdown_field,
        long_date=long_date,
        month=month,
    )
    return env


def _render(env: jinja2.Environment, name: str, common: dict, extra: dict) -> str:
    """Render one template; a mistake in it (say, a site's override) becomes a Problem."""
    try:
        return env.get_template(name).render(common, **extra)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or name
        raise DataError([Problem(where, exc.lineno or 1, "", exc.message or str(exc))]) from None
    except jinja2.TemplateError as exc:
        template = env.get_template(name).filename or name
        raise DataError([Problem(template, 1, "", f"template error: {exc}")]) from None


_FRONT_MATTER = re.compile(r"\A(---\n.*?\n---\n)(.*)\Z", re.S)


def _assemble(banner: str, body: str, footer: str) -> bytes:
    """A page: its body with the banner just below the title, then the common footer.

    The banner goes after the first heading, not before: builders take a page's title
    from its first element only when that element is the ``# heading``. Front matter, if a
    hand-written page has any, stays at the very top where builders look for it.
    """
    front, body = ("", body.lstrip())
    if match := _FRONT_MATTER.match(body):
        front, body = match.group(1) + "\n", match.group(2).lstrip()
    title, _, rest = body.partition("\n")
    if title.startswith("# "):
        page = f"{title}\n\n{banner}\n\n{rest.strip()}"
    else:
        page = f"{banner}\n\n{body.strip()}"
    return f"{front}{page.rstrip()}\n\n{footer.rstrip()}\n".encode()


def render_site(project: Project, today: date, env: jinja2.Environment) -> dict[str, bytes]:
    """Every page of the site, keyed by its path under the docs folder.

    The files of ``content/`` (pages and downloads) are passed through, with the common
    page footer added to the markdown ones.
    """
    content = project.content
    terms = Terms(project.vocabularies)
    services = sorted(project.services, key=lambda s: s.name.lower())
    updates = sorted(project.updates, key=lambda u: (u.date, u.id), reverse=True)
    surveys = sorted(project.surveys, key=lambda s: (s.opens, s.id))
    documents = sorted(project.documents, key=lambda d: (d.date, d.id), reverse=True)
    files = {
        d.id: file_info(d.file, len(content[d.file]) if d.file in content else None)
        for d in project.documents
        if d.file
    }
    survey_groups: dict[str, list[models.Survey]] = {"open": [], "upcoming": [], "closed": []}
    for survey in surveys:
        survey_groups[survey_state(survey, today)].append(survey)
    survey_groups["closed"].reverse()  # most recent outcome first
    grid = {
        strand: {
            level: [s for s in services if strand in s.strands and level in s.levels]
            for level in terms.levels
        }
        for strand in terms.strands
    }

    def by_discipline(chosen: list[models.Service]) -> list[tuple[models.Term, list]]:
        groups = [
            (t, [s for s in chosen if s.discipline == t.id])
            for t in project.vocabularies.disciplines
        ]
        return [(t, group) for t, group in groups if group]

    def for_audience(audience: str) -> dict[str, list]:
        def mine(records: list) -> list:
            return [r for r in records if audience in r.audiences]

        return {
            "services": mine(services),
            "updates": mine(updates),
            "documents": mine(documents),
            "surveys": mine(surveys),
        }

    common = {
        "site": project.site,
        "terms": terms,
        "today": today,
        "grid": grid,
        "survey_groups": survey_groups,
        "by_discipline": by_discipline,
        "for_audience": for_audience,
        "services": services,
        "updates": updates,
        "surveys": surveys,
        "documents": documents,
        "timeline": project.timeline,
        "files": files,
        "survey_state": lambda s: survey_state(s, today),
        "stage_state": lambda s: stage_state(s, today),
        "review_due": lambda s: s.review_due(project.site.review_months),
        "age_range": age_range,
    }

    def page(template: str, source: str, **extra: object) -> bytes:
        body = _render(env, template, common, extra)
        footer = _render(env, "_footer.md", common, extra)
        banner = f"<!-- Generated from {source} by the Local Offer generator: do not edit. -->"
        return _assemble(banner, body, footer)

    pages: dict[str, bytes] = {
        "index.md": page("home.md", "data/", depth=0),
        "services/index.md": page("services.md", "data/services.yaml", depth=1),
        "balanced-system.md": page(
            "balanced-system.md", "data/services.yaml and data/vocabularies.yaml", depth=0
        ),
        "timeline.md": page("timeline.md", "data/timeline.yaml", depth=0),
        "updates/index.md": page("updates.md", "data/updates.yaml", depth=1),
        "documents.md": page("documents.md", "data/documents.yaml", depth=0),
        "surveys.md": page("surveys.md", "data/surveys.yaml", depth=0),
        "other-formats.md": page("other-formats.md", "data/site.yaml", depth=0),
    }
    pages["open-data/services.json"] = services_feed(services, project.vocabularies)
    for audience in project.vocabularies.audiences:
        pages[f"audiences/{audience.id}.md"] = page(
            "audience.md", "data/", audience=audience, depth=1
        )
    for service in services:
        pages[f"services/{service.id}.md"] = page(
            "service.md", "data/services.yaml", service=service, depth=1
        )
    for update in updates:
        pages[f"updates/{update.id}.md"] = page(
            "update.md", "data/updates.yaml", update=update, depth=1
        )
    clashes = sorted(name for name in content if name in pages)
    if clashes:
        msg = "has the name of a generated page; rename or move it"
        raise DataError([Problem(f"content/{name}", 1, "", msg) for name in clashes])
    for name, data in content.items():
        if name.endswith(".md"):
            depth = name.count("/")
            footer = _render(env, "_footer.md", common, {"depth": depth})
            banner = f"<!-- Copied from content/{name}: edit that file, not this one. -->"
            pages[name] = _assemble(banner, data.decode("utf-8-sig"), footer)
        else:
            pages[name] = data
    return pages
