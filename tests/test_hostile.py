"""Text typed by staff never becomes markup or script, whatever the builder's extensions.

Plain-text YAML fields are escaped by the templates; markdown fields and content/ pages are
rendered and cleaned to one allow-list; then ``sanitise.inert`` writes every page body as one
line in which all ASCII punctuation of text and attribute values is a character reference,
so no markdown extension of any builder can act on it. Here hostile text (fences, attribute
lists, critic marks, snippets, raw HTML, script URLs, escaped markdown that a second parser
would read again) is typed into every kind of field, and:

1. ``test_hostile_text_renders_to_inert_pages``: a fast Hypothesis property of the generator
   alone: located problems, or pages whose front matter and single body line are inert.
2. ``test_hostile_text_is_inert_under_every_markdown_extension``: a few sites built with
   every extension of Python-Markdown and PyMdown Extensions that loads without settings;
   every page is checked as HTML and opened in Chromium served WITHOUT the
   Content-Security-Policy (as on GitHub Pages), searched and highlighted.
3. ``test_the_reported_attack_is_inert``: the exact attack of the issue, with the project's
   own mkdocs.yml.

``test_a_title_beyond_u_ffff_reaches_the_builder``: an emoji in a title once turned the
front matter into visible text (JSON surrogate escapes, which YAML readers refuse).
"""

from __future__ import annotations

import copy
import json
import re
import string
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, note, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data
from playwright.sync_api import Browser, Dialog

from generator.errors import DataError
from generator.load import load_yaml
from generator.pipeline import build_site, check
from generator.sanitise import url_of

from .conftest import MINIMAL, ROOT, TODAY, copy_project, parse, serve, write_project

# --- what staff might type ------------------------------------------------------------------

#: A word that is in no page of the projects, so search finds only what we typed.
MARKER = "Quokka"

#: Payloads that would run in a browser if they ever became markup.
PAYLOADS = [
    '<img src=x onerror="window.__pwned=1">',
    "<img src=x onerror=alert(1)>",
    '<svg onload="window.__pwned=1">',
    '<details open ontoggle="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    "</title><script>alert(1)</script>",
    "[a](javascript:window.__pwned=1)",
    '\\!\\[x\\](data:image/png;base64,AAAA)\\{: onerror="window.__pwned=1" \\}',
    '![x](x){: onerror="window.__pwned=1" }',
    '"><img src=x onerror=alert(1)>',
]
#: Syntax of builders' markdown extensions, raw HTML, references, and markdown that a
#: second parser would read again. None of these may make a relative link (those are
#: refused on purpose, so they are in ``LINK_FRAGMENTS``).
FRAGMENTS = [
    *PAYLOADS,
    "```",
    "~~~",
    ":::",
    '{: onerror="alert(1)" }',
    "{ #x .y onclick=alert(1) }",
    "\\!\\[x\\](data:text/html,x)",
    "[a](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "<script>alert(1)</script>",
    "<iframe src=javascript:alert(1)>",
    "&lt;script&gt;",
    "&#x3C;img&#x3E;",
    "{++ins++}",
    '--8<-- "/etc/passwd"',
    "*[HTML]: x",
    "!!! note",
    "///",
    "$x$",
    "==m==",
    "\n    ",
    "\n\n",
    "- ",
    "> ",
    "# ",
    "|a|b|",
    ":smile:",
    "www.example.org",
    "a@b.org",
    "<a@b.org>",
    "<https://www.example.org>",
    "<javascript:alert(1)>",
    "[a](JaVaScRiPt:alert(1))",
    "[a](&#106;avascript:alert(1))",
    "[a]( vbscript:alert(1) )",
    "[b]\n\n[b]: javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><input autofocus onfocus=alert(1)>",
    "<style>*{display:none}</style>",
    '<div markdown="1">*x*</div>',
    "<!--",
    "-->",
    "</textarea>",
    "??? note",
    '=== "Tab"',
    "/// html | script\nalert(1)\n///",
    "Term\n: definition",
    "- [ ] task",
    "++ctrl+alt+del++",
    "^^sup^^",
    "~~del~~",
    "~sub~",
    "$$\nx\n$$",
    "\\(x\\)",
    "(c) (tm) +/- -->",
    "[[wiki]]",
    "{{ 7*7 }}",
    "{% raw %}",
    "&amp;",
    "&#0;",
    "\\",
    "`x`",
    "'",
    '"',
    "<",
    ">",
    "&",
    "***",
    "1. one",
    "\t",
]
#: Links the generator refuses with a located problem (a page or anchor that is not there,
#: a way out of the site); only the fast property uses them.
LINK_FRAGMENTS = [
    "[x](nowhere.md)",
    "[x](#faq)",
    "[^1]\n\n[^1]: note",
    "[x](../../etc/passwd)",
    "[x](/etc/passwd)",
    "[x](docs-page.md)",
    "[x](site:docs-page.md)",
]
WORDS = [MARKER, "speech", "therapy", "for", "children", "café", "Straße", "日本語", "\u00a0"]
#: Characters the loader refuses on purpose (bidirectional overrides and isolates); control
#: characters are left out by category.
REFUSED = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
characters = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc"], exclude_characters=REFUSED),
    min_size=1,
    max_size=4,
)
piece = st.sampled_from(FRAGMENTS) | st.sampled_from(WORDS) | characters
#: Hostile text, joined tight or with spaces; never blank (blank text is refused).
hostile = (
    st.lists(piece, min_size=1, max_size=8)
    .flatmap(lambda parts: st.sampled_from(["", " "]).map(lambda sep: sep.join(parts)))
    .filter(str.strip)
)
#: Text the generator refuses with a located problem: blank, or a link that leads nowhere.
links = st.tuples(hostile, st.sampled_from(LINK_FRAGMENTS)).map(" ".join)
refused = st.sampled_from([" ", "\n\n"]) | links
#: Text the generator publishes: the marker word, a payload, then anything but links.
publishable = st.tuples(st.sampled_from(PAYLOADS), st.lists(piece, max_size=6)).map(
    lambda t: " ".join([MARKER, t[0], *t[1]])
)

# --- checks -----------------------------------------------------------------------------------

#: Elements that text must never become: they run script, load things, or show that a
#: builder's extension acted on text (details, mark, del, ins, sup, sub, kbd, input).
BANNED = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "img", "svg", "math",
    "style", "link", "meta", "base", "form", "input", "button", "textarea", "select", "option",
    "video", "audio", "source", "track", "picture", "template", "portal", "marquee", "dialog",
    "noscript", "xmp", "plaintext", "noembed", "param", "details", "summary", "mark", "del",
    "ins", "sup", "sub", "kbd", "label",
}  # fmt: skip
#: The templates' own forms and controls (search, the directory's filters, "show more", My
#: list) are marked ``data-lo-controls``, which text cannot carry (the sanitiser keeps no
#: data- attributes): text that became a form would still be found.
VOID = {"input", "br", "hr", "img", "meta", "link", "source", "track", "wbr", "area", "col"}
#: Not on any part of a built page, the theme's included.
BANNED_ANYWHERE = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
#: The parts of a built page outside ``<article>`` where the theme prints what staff typed
#: (the header's names and logos, the breadcrumbs' titles, the footer's organisations and
#: contact), by element and class: text there must not become an element either.
THEME_TEXT = {("header", "lo-header"), ("nav", "lo-breadcrumbs"), ("footer", "lo-footer")}
#: The one image a page may hold: an area's logo in the theme's header, a file of the site's
#: own (a relative address, or from the site's root on the 404 page; never a scheme).
LOGO_SRC = re.compile(r"(?![a-z][a-z0-9+.-]*:)(?!//)[^:\s]+\.(?:png|jpe?g|webp)", re.I)
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href",
    "background", "cite", "ping", "lowsrc", "dynsrc", "codebase", "manifest",
}  # fmt: skip
BAD_SCHEME = re.compile(r"(?:javascript|data|vbscript):")
BODY_START = '<div class="lo-body" id="lo-main">'
#: A generated page: front matter of title (and description; when the record it shows was
#: last checked; the breadcrumbs, as one line of JSON; a service's JSON-LD, one line of
#: JSON), the banner, one body line.
PAGE = re.compile(
    r'---\n(?P<front>title: "[^"\n]*"\n(?:description: "[^"\n]*"\n)?'
    r'(?:checked: "[^"\n]*"\n)?(?:crumbs: (?P<crumbs>\[[^\n]*\])\n)?'
    r"(?:ld: (?P<ld>\{[^\n]*\})\n)?)---\n\n"
    r"(?P<banner><!-- [^\n]* -->)\n\n(?P<body>[^\n]*)\n"
)
#: What ``inert`` writes: tags with encoded attribute values, and text without < or >.
TOKEN = re.compile(
    r'<(?P<tag>[a-z][a-z0-9]*)(?P<attrs>(?: [a-z][a-z0-9-]*(?:="[^"<>]*")?)*)>'
    r"|</[a-z][a-z0-9]*>|(?P<text>[^<>]+)"
)
VALUE = re.compile(r'="([^"]*)"')
FRONT_VALUE = re.compile(r"(?:[A-Za-z0-9 ]|[^\x00-\x7f]|&#[0-9]+;)*")
#: ``checked``: a date in words, as the footer shows it.
CHECKED = re.compile(
    r"[1-9][0-9]? (?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December) [0-9]{4}"
)
#: A breadcrumb's address: the home page's, or a page's folder (the route table's, never typed).
CRUMB_URL = re.compile(r"\.|(?:[a-z0-9-]+/)+")
PROBLEM = re.compile(r"(?:data/[a-z]+\.yaml|content/[a-z0-9/_.-]+\.md):[1-9][0-9]*: \S")


def bad_url(value: str) -> bool:
    """A URL a browser would run or treat as a document of its own (as the browser reads
    it: character references decoded, tabs, line breaks and spaces dropped, any case)."""
    return bool(BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", value).lower()))


class Inspector(HTMLParser):
    """What in some HTML could run: banned elements, event handlers, script URLs.

    With ``page``, a whole built page: the theme's own scripts and forms are allowed outside
    ``<article>`` and the parts of ``THEME_TEXT``, and an inline script only as Material's
    JSON configuration. No page holds an image but the logos of the theme's header.
    """

    def __init__(self, *, page: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.article = 0
        self.controls: list[list[object]] = []  # open elements marked data-lo-controls
        self.theme: list[object] | None = None  # the open part of THEME_TEXT: [tag, depth, class]
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        classes = (given.get("class") or "").split()
        if tag == "article":
            self.article += 1
        if self.controls and tag == self.controls[-1][0]:
            self.controls[-1][1] += 1  # type: ignore[operator]
        elif "data-lo-controls" in given and tag not in VOID:
            self.controls.append([tag, 1])
        if self.theme and tag == self.theme[0]:
            self.theme[1] += 1  # type: ignore[operator]
        elif self.page and not self.theme:
            self.theme = next(([t, 1, c] for t, c in THEME_TEXT if t == tag and c in classes), None)
        header = self.theme is not None and self.theme[2] == "lo-header"
        logo = (
            tag == "img"
            and header
            and classes == ["lo-header__logo"]
            and bool(LOGO_SRC.fullmatch(given.get("src") or ""))
        )
        toggle = tag == "button" and header and classes == ["lo-service-nav__toggle"]
        content = self.article > 0 or not self.page or self.theme is not None
        ours = bool(self.controls) or ("data-lo-controls" in given and tag in VOID)
        ours = ours or logo or toggle
        if tag in BANNED_ANYWHERE or (content and tag in BANNED and not ours):
            self.found.append(f"<{tag} {attrs}>")
        elif tag == "img" and not logo:
            self.found.append(f"<{tag} {attrs}> (not a logo of the header)")
        config = {"id": "__config", "type": "application/json"}  # Material's settings
        json_ld = {"type": "application/ld+json"}  # a service's schema.org description
        if tag == "script" and "src" not in given and given not in (config, json_ld):
            self.found.append(f"inline script {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}={value!r} on <{tag}>")
            if name in URL_ATTRIBUTES and value and bad_url(value):
                self.found.append(f"{name}={value!r} on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.article:
            self.article -= 1
        if self.theme and tag == self.theme[0]:
            self.theme[1] -= 1  # type: ignore[operator]
            if not self.theme[1]:
                self.theme = None
        if self.controls and tag == self.controls[-1][0]:
            self.controls[-1][1] -= 1  # type: ignore[operator]
            if not self.controls[-1][1]:
                self.controls.pop()


def live(html: str, *, page: bool = False) -> list[str]:
    """Everything in ``html`` that a browser could run or load (empty when it is inert)."""
    inspector = Inspector(page=page)
    inspector.feed(html)
    inspector.close()
    return inspector.found


def check_generated_page(name: str, text: str) -> None:
    """A generated page is front matter, the banner and one inert body line."""
    match = PAGE.fullmatch(text)
    assert match, f"{name} is not front matter, banner and one body line:\n{text[:2000]}"
    rest, meta = get_data(text)  # the front matter as MkDocs reads it
    keys = {"title", "description", "checked", "crumbs", "ld"}
    assert set(meta) <= keys and "title" in meta, (name, match["front"])
    crumbs = meta.pop("crumbs", None)
    ld = meta.pop("ld", None)
    if match["ld"] is not None:
        # The one front matter value that holds text as typed: the theme prints it only
        # through ``tojson`` (theme/main.html), never as it is. YAML reads it as JSON does.
        assert json.loads(match["ld"]) == ld, name
        assert isinstance(ld, dict) and ld["@type"] == "GovernmentService", name
        assert name.startswith("services/"), name
    for key, value in meta.items():
        assert isinstance(value, str) and FRONT_VALUE.fullmatch(value), (name, key, value)
    assert "checked" not in meta or CHECKED.fullmatch(meta["checked"]), (name, meta)
    if match["crumbs"] is not None:
        # JSON that needed no escapes (YAML readers refuse some), read the same by both.
        assert "\\" not in match["crumbs"] and json.loads(match["crumbs"]) == crumbs, name
        assert isinstance(crumbs, list) and crumbs[0] == {"title": "Home", "url": "."}, name
        for crumb in crumbs:
            assert isinstance(crumb, dict) and set(crumb) == {"title", "url"}, (name, crumb)
            assert isinstance(crumb["title"], str) and FRONT_VALUE.fullmatch(crumb["title"])
            assert isinstance(crumb["url"], str) and CRUMB_URL.fullmatch(crumb["url"]), crumb
    body = match["body"]
    assert rest.endswith(f"\n\n{body}\n")
    assert body.startswith(BODY_START) and body.endswith("</div>"), (name, body[:300])
    assert "\n" not in body and "\r" not in body
    syntax = set(re.sub(r'="[^"]*"', "", body))  # tags and text, without attribute values
    assert not syntax & set("`~{}[]*_|!$=+:\\"), (name, syntax & set("`~{}[]*_|!$=+:\\"))
    inner = body[len(BODY_START) : -len("</div>")]
    tokens = list(TOKEN.finditer(inner))
    assert "".join(t.group() for t in tokens) == inner, f"{name}: a stray < or > in {inner}"
    for token in tokens:
        values = [token["text"]] if token["text"] else VALUE.findall(token["attrs"] or "")
        for value in values:
            plain = re.sub(r"&#[0-9]+;", "", value)
            punctuation = sorted({c for c in plain if c in string.punctuation or c in "\t\n\r"})
            assert not punctuation, f"{name}: {punctuation} in {value!r}"
    assert live(body) == [], (name, live(body), body)


def check_crumbs(generated: dict[str, str]) -> None:
    """Each page's breadcrumbs lead to pages that are there (never to itself), each by the
    title in that page's own front matter (encoded the same way)."""
    titles = {url_of(name) or ".": get_data(text)[1]["title"] for name, text in generated.items()}
    for name, text in generated.items():
        crumbs = get_data(text)[1].get("crumbs") or []
        for crumb in crumbs[1:]:  # the first is the home page, as "Home"
            assert titles.get(crumb["url"]) == crumb["title"], (name, crumb)
        assert url_of(name) not in [crumb["url"] for crumb in crumbs], name


def check_problems(error: DataError) -> None:
    assert error.problems
    for problem in error.problems:
        assert PROBLEM.match(str(problem)), str(problem)


# --- writing projects -----------------------------------------------------------------------


def plain_data(folder: Path) -> dict[str, Any]:
    """Every data file of ``folder`` as the project's loader reads it (all values text)."""
    data = {}
    for path in sorted(folder.glob("*.yaml")):
        source, problems = load_yaml(path, path.name)
        assert not problems
        data[path.name] = source.data
    return data


def put(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def write_data(root: Path, data: dict[str, Any]) -> None:
    for name, content in data.items():
        text = yaml.dump(content, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
        (root / "data" / name).write_text(text, encoding="utf-8")


def front_matter_page(title: str, description: str, body: str) -> str:
    """A content/ page whose front matter holds ``title`` and ``description``, quoted."""
    return (
        f"---\ntitle: {json.dumps(title)}\ndescription: {json.dumps(description)}\n---\n\n{body}\n"
    )


# --- 1. the generator alone ----------------------------------------------------------------

MINIMAL_DATA = plain_data(MINIMAL / "data")
MINIMAL_DATA["services.yaml"]["services"][1]["locations"] = [
    {"name": "Clinic", "address": "1 Road", "accessibility": "Step-free"}
]
MINIMAL_DATA["services.yaml"]["services"][1]["access"]["who_can_refer"] = ["GPs"]
MINIMAL_DATA["timeline.yaml"]["timeline"][0]["steps"] = ["Listen"]
#: Two more of the kind of help the others are, so the audience has a page of them, whose
#: breadcrumbs hold the audience's name (one of the fields).
MINIMAL_DATA["services.yaml"]["services"] += [
    {**copy.deepcopy(MINIMAL_DATA["services.yaml"]["services"][0]), "id": i, "name": i.title()}
    for i in ("call-back", "drop-in")
]
#: Plain-text and markdown fields (``*``) of every data file, by file and place.
MINIMAL_FIELDS: list[tuple[str, tuple[str | int, ...]]] = [
    ("site.yaml", ("site", "name")),
    ("site.yaml", ("site", "short_name")),
    ("site.yaml", ("site", "organisations", 0)),
    ("site.yaml", ("site", "summary")),  # *
    ("site.yaml", ("site", "other_formats")),  # *
    ("site.yaml", ("site", "contact", "hours")),
    ("site.yaml", ("site", "contact", "address")),
    ("services.yaml", ("services", 0, "name")),
    ("services.yaml", ("services", 0, "organisation")),
    ("services.yaml", ("services", 0, "description")),  # *
    ("services.yaml", ("services", 0, "eligibility")),
    ("services.yaml", ("services", 0, "access", "referral_route")),
    ("services.yaml", ("services", 0, "cost")),
    ("services.yaml", ("services", 1, "description")),  # *
    ("services.yaml", ("services", 1, "opening_times")),
    ("services.yaml", ("services", 1, "access", "who_can_refer", 0)),
    ("services.yaml", ("services", 1, "locations", 0, "name")),
    ("services.yaml", ("services", 1, "locations", 0, "address")),
    ("services.yaml", ("services", 1, "locations", 0, "accessibility")),
    ("updates.yaml", ("updates", 0, "title")),
    ("updates.yaml", ("updates", 0, "summary")),
    ("updates.yaml", ("updates", 0, "body")),  # *
    ("documents.yaml", ("documents", 0, "title")),
    ("documents.yaml", ("documents", 0, "summary")),
    ("surveys.yaml", ("surveys", 0, "title")),
    ("surveys.yaml", ("surveys", 0, "summary")),
    ("surveys.yaml", ("surveys", 0, "other_ways")),
    ("timeline.yaml", ("timeline", 0, "title")),
    ("timeline.yaml", ("timeline", 0, "steps", 0)),
    ("vocabularies.yaml", ("vocabularies", "audiences", 0, "name")),
    ("vocabularies.yaml", ("vocabularies", "audiences", 0, "intro")),  # *
    ("vocabularies.yaml", ("vocabularies", "strands", 0, "description")),
    ("vocabularies.yaml", ("vocabularies", "levels", 0, "name")),
]
#: Content pages: front matter title and description, and two bodies.
CONTENT_VALUES = 4
FAST_VALUES = len(MINIMAL_FIELDS) + CONTENT_VALUES
FAST = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def type_into_minimal_project(root: Path, values: list[str]) -> None:
    """Put ``values`` into every field of a copy of the minimal project, and two pages."""
    data = copy.deepcopy(MINIMAL_DATA)
    texts = iter(values)
    for name, path in MINIMAL_FIELDS:
        put(data[name], path, next(texts))
    write_data(root, data)
    title, description, body, heading = (next(texts) for _ in range(CONTENT_VALUES))
    content = root / "content"
    (content / "hostile.md").write_text(front_matter_page(title, description, body), "utf-8")
    (content / "heading.md").write_text(f"# {heading}\n\n{body}\n", "utf-8")


#: A page whose breadcrumbs end at a page named by what staff typed (the audience's name).
AUDIENCE_KIND = "audiences/parents/speech.md"


def test_hostile_text_renders_to_inert_pages(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = write_project(tmp_path_factory.mktemp("hostile"))  # each example rewrites it all
    outcomes: list[str] = []

    @FAST
    @given(
        values=st.lists(hostile, min_size=FAST_VALUES, max_size=FAST_VALUES),
        wrong=st.none() | st.tuples(st.integers(0, FAST_VALUES - 1), refused),
    )
    def property_(values: list[str], wrong: tuple[int, str] | None) -> None:
        if wrong:  # now and then one value the generator must refuse, where it was typed
            values[wrong[0]] = wrong[1]
        note(f"typed: {values!r}")
        type_into_minimal_project(root, values)
        try:
            pages = check(root, TODAY).pages
        except DataError as exc:
            check_problems(exc)
            outcomes.append("refused")
            return
        outcomes.append("rendered")
        generated = {name: p.decode() for name, p in pages.items() if name.endswith(".md")}
        assert {"hostile.md", "heading.md", "services/advice-line.md"} <= set(generated)
        assert AUDIENCE_KIND in generated  # the audience's name is in its breadcrumbs
        for name, page in generated.items():
            check_generated_page(name, page)
        check_crumbs(generated)

    property_()
    # Refusals must stay the exception, or the property would check next to nothing.
    # About a third render (86 to 108 of 300 in four runs; once 69): a sixth is far below
    # what chance gives, so the test fails only if refusals really grow.
    assert outcomes.count("rendered") >= len(outcomes) // 6, outcomes.count("rendered")


def test_a_title_beyond_u_ffff_reaches_the_builder(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    data = copy.deepcopy(MINIMAL_DATA)
    put(data["services.yaml"], ("services", 0, "name"), "Talk time \U0001f600")
    put(data["vocabularies.yaml"], ("vocabularies", "audiences", 0, "name"), "Carers \U0001f600")
    write_data(root, data)
    pages = check(root, TODAY).pages
    _, meta = get_data(pages["services/advice-line.md"].decode())
    ld = meta.pop("ld")
    assert ld["name"] == "Talk time \U0001f600"  # JSON-LD: as typed, printed by tojson
    assert [a["audienceType"] for a in ld["audience"]] == ["Carers \U0001f600"]
    assert meta == {
        "title": "Talk time \U0001f600",
        "checked": "14 September 2026",
        "crumbs": [
            {"title": "Home", "url": "."},
            {"title": "Directory of services", "url": "services/"},
        ],
    }
    # A title in breadcrumbs (the page above's) reaches the builder the same way.
    _, meta = get_data(pages[AUDIENCE_KIND].decode())
    assert meta["crumbs"] == [
        {"title": "Home", "url": "."},
        {"title": "Carers \U0001f600", "url": "audiences/parents/"},
    ]


# --- 2. built sites, every extension, in Chromium ------------------------------------------

#: Every extension of Python-Markdown and PyMdown Extensions that builds without settings
#: (each was built alone and all together; conflicting pairs such as codehilite and
#: pymdownx.highlight still build).
ALL_EXTENSIONS = [
    "abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "toc",
    "meta", "nl2br", "sane_lists", "smarty", "legacy_attrs", "legacy_em", "fenced_code",
    "codehilite", "wikilinks", "pymdownx.superfences", "pymdownx.details", "pymdownx.tabbed",
    "pymdownx.tasklist", "pymdownx.critic", "pymdownx.caret", "pymdownx.mark", "pymdownx.tilde",
    "pymdownx.keys", "pymdownx.smartsymbols", "pymdownx.magiclink", "pymdownx.betterem",
    "pymdownx.inlinehilite", "pymdownx.highlight", "pymdownx.arithmatex",
    "pymdownx.blocks.admonition", "pymdownx.blocks.details", "pymdownx.blocks.tab",
    "pymdownx.blocks.html", "pymdownx.blocks.definition", "pymdownx.blocks.caption",
    "pymdownx.snippets", "pymdownx.emoji", "pymdownx.escapeall", "pymdownx.extra",
    "pymdownx.saneheaders", "pymdownx.striphtml", "pymdownx.progressbar", "pymdownx.fancylists",
    "pymdownx.b64", "pymdownx.pathconverter", "pymdownx.quotes",
]  # fmt: skip

SAMPLE_DATA = plain_data(ROOT / "data")
#: The first service with a location (its address is one of the fields).
SERVICE = next(
    i for i, s in enumerate(SAMPLE_DATA["services.yaml"]["services"]) if s.get("locations")
)
SERVICE_ID = SAMPLE_DATA["services.yaml"]["services"][SERVICE]["id"]
#: An audience with pages of its services by kind of help, whose breadcrumbs hold its name.
AUDIENCE = next(
    i
    for i, a in enumerate(SAMPLE_DATA["vocabularies.yaml"]["vocabularies"]["audiences"])
    if a["id"] == "parents-and-carers"
)
SAMPLE_FIELDS: list[tuple[str, tuple[str | int, ...]]] = [
    ("services.yaml", ("services", SERVICE, "name")),
    ("services.yaml", ("services", SERVICE, "organisation")),
    ("services.yaml", ("services", SERVICE, "eligibility")),
    ("services.yaml", ("services", SERVICE, "cost")),
    ("services.yaml", ("services", SERVICE, "access", "referral_route")),
    ("services.yaml", ("services", SERVICE, "locations", 0, "address")),
    ("services.yaml", ("services", SERVICE, "description")),
    ("site.yaml", ("site", "summary")),
    ("site.yaml", ("site", "other_formats")),
    ("site.yaml", ("site", "contact", "hours")),
    ("documents.yaml", ("documents", 0, "summary")),
    ("updates.yaml", ("updates", 0, "body")),
    ("vocabularies.yaml", ("vocabularies", "audiences", 0, "intro")),
    ("vocabularies.yaml", ("vocabularies", "audiences", AUDIENCE, "name")),  # breadcrumbs
    ("site.yaml", ("site", "brand", "run_by")),  # the theme's header
    ("site.yaml", ("site", "brand", "logos", 0, "alt")),
    ("site.yaml", ("site", "brand", "main_local_offer", "title")),
]
#: Content page: front matter title and description, and the body.
SAMPLE_VALUES = len(SAMPLE_FIELDS) + 3


def every_fragment() -> list[str]:
    """Each field gets its share of all fragments, so one build holds every one of them."""
    shares = [FRAGMENTS[i::SAMPLE_VALUES] for i in range(SAMPLE_VALUES)]
    return [" ".join([MARKER, *share]) for share in shares]


def build_hostile_sample(
    tmp: Path, values: list[str], extensions: list[Any] | None = None
) -> tuple[Path, Path]:
    """The sample project with ``values`` typed into its fields, built; (project, site)."""
    root = copy_project(tmp / "project")
    if extensions is not None:
        config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
        config["markdown_extensions"] = extensions
        (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    data = copy.deepcopy(SAMPLE_DATA)
    texts = iter(values)
    for name, path in SAMPLE_FIELDS:
        put(data[name], path, next(texts))
    write_data(root, data)
    title, description, body = next(texts), next(texts), next(texts)
    (root / "content" / "hostile.md").write_text(
        front_matter_page(title, description, body), "utf-8"
    )
    return root, build_site(root, site_dir=tmp / "site", today=TODAY)


def check_built_site(root: Path, site: Path) -> None:
    """Nothing live on any page or in the search index; each page's content is exactly
    the body line that was generated for it (no extension changed a character of it)."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 30
    for file in pages:
        html = file.read_text(encoding="utf-8")
        assert live(html, page=True) == [], (file, live(html, page=True))
        assert "root:x:0:0" not in html, file  # pymdownx.snippets never read /etc/passwd
    docs = root / "build" / "docs"
    generated: dict[str, str] = {}
    for source in sorted(docs.rglob("*.md")):
        name = source.relative_to(docs).as_posix()
        text = generated[name] = source.read_text(encoding="utf-8")
        check_generated_page(name, text)
        banner, body = PAGE.fullmatch(text).group("banner", "body")  # type: ignore[union-attr]
        html = (site / url_of(name) / "index.html").read_text(encoding="utf-8")
        article = re.search(r'<article class="md-content__inner[^"]*">(.*?)</article>', html, re.S)
        assert article, name
        shown = article.group(1).strip().removeprefix(banner).lstrip()  # striphtml drops it
        assert shown == body, f"{name}: the builder changed the page"
    check_crumbs(generated)
    # Search results and the directory's filtered cards are built from the index and the
    # filter files with textContent only; ``browse`` shows them in Chromium.
    assert (site / "pagefind" / "pagefind.js").is_file() and (site / "filters").is_dir()


@dataclass
class Visit:
    """What Chromium met while every page of a site was opened."""

    dialogs: list[str] = field(default_factory=list)  # alert(), confirm(), prompt()
    pwned: list[str] = field(default_factory=list)  # pages where window.__pwned was set
    shown: dict[str, str] = field(default_factory=dict)  # text of #lo-main, for ``read``
    images: dict[str, int] = field(default_factory=dict)  # <img> in #lo-main, for ``read``


def browse(browser: Browser, site: Path, *, search: bool, read: tuple[str, ...] = ()) -> Visit:
    """Open every page of ``site`` in Chromium, served with no Content-Security-Policy.

    With ``search``, also search for ``MARKER`` and filter the directory (both draw cards
    from what the index and the filter files hold). The text and images of the main content
    of the pages in ``read`` are kept.
    """
    url, server = serve(site, {})
    context = browser.new_context()
    page = context.new_page()
    visit = Visit()

    def on_dialog(dialog: Dialog) -> None:
        visit.dialogs.append(f"{page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def check(where: str) -> None:
        if page.evaluate("() => typeof window.__pwned") != "undefined":
            visit.pwned.append(where)
        if where in read:
            visit.shown[where] = page.inner_text("#lo-main")
            visit.images[where] = page.locator("#lo-main img").count()

    page.on("dialog", on_dialog)
    try:
        for file in sorted(site.rglob("*.html")):
            path = file.relative_to(site).as_posix().removesuffix("index.html")
            page.goto(url + path, wait_until="load")
            check(path)
        if search:
            page.goto(f"{url}search/?q={MARKER.lower()}", wait_until="load")
            page.wait_for_selector("#lo-results .lo-card")
            check("search results")
            page.goto(f"{url}services/?self=yes", wait_until="load")
            page.wait_for_selector("#lo-results .lo-card")
            page.wait_for_load_state("networkidle")
            check("filtered directory")
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    return visit


BUILT = settings(
    max_examples=2,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a 2 s build
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_hostile_text_is_inert_under_every_markdown_extension(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outcomes: list[str] = []

    @BUILT
    @example(values=every_fragment())
    @given(values=st.lists(publishable, min_size=SAMPLE_VALUES, max_size=SAMPLE_VALUES))
    def property_(values: list[str]) -> None:
        note(f"typed: {values!r}")
        tmp = tmp_path_factory.mktemp("extensions")
        try:
            root, site = build_hostile_sample(tmp, values, ALL_EXTENSIONS)
        except DataError as exc:
            check_problems(exc)
            outcomes.append("refused")
            return
        outcomes.append("built")
        check_built_site(root, site)
        visit = browse(browser, site, search=True)
        assert visit.dialogs == [] and visit.pwned == []

    property_()
    assert outcomes.count("built") >= len(outcomes) - 1 and outcomes[0] == "built", outcomes


# --- 3. the attack of the issue ----------------------------------------------------------

IMAGE_ATTACK = '\\!\\[x\\](data:image/png;base64,AAAA)\\{: onerror="alert(1)" \\}'
LINK_ATTACK = "\\[a\\](javascript:alert(1))\\{: #id \\}"


def test_the_reported_attack_is_inert(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A summary of "~~~" opens a fence for pymdownx.superfences; escaped markdown becomes
    an image with an onerror handler, or a javascript: link, under attr_list if a builder
    reads the generator's output as markdown again. With mkdocs.yml's own extensions."""
    tmp = tmp_path_factory.mktemp("attack")
    root = copy_project(tmp / "project")
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    extensions = {e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]}
    assert {"attr_list", "md_in_html", "pymdownx.superfences"} <= extensions
    data = copy.deepcopy(SAMPLE_DATA)
    put(data["documents.yaml"], ("documents", 0, "summary"), "~~~")
    put(data["site.yaml"], ("site", "other_formats"), f"{IMAGE_ATTACK}\n\n{LINK_ATTACK}")
    write_data(root, data)
    site = build_site(root, site_dir=tmp / "site", today=TODAY)

    check_built_site(root, site)
    page = (site / "other-formats" / "index.html").read_text(encoding="utf-8")
    # The one image is the header's logo (``live`` finds any other, and any handler).
    images = re.findall(r"<img\b[^>]*>", page)
    assert len(images) == 1 and 'class="lo-header__logo"' in images[0], images
    assert live(page, page=True) == []
    hrefs = parse(page)["href"]  # as the browser reads them
    assert hrefs and not [h for h in hrefs if "javascript" in h.lower() or bad_url(h)]
    assert "javascript&#58;alert&#40;1&#41;" in page  # shown as text, not followed

    visit = browse(browser, site, search=False, read=("other-formats/", "documents/"))
    assert visit.dialogs == [] and visit.pwned == []
    # What the reader sees is what was typed (markdown's escapes removed), as text.
    assert visit.images == {"other-formats/": 0, "documents/": 0}
    shown = visit.shown["other-formats/"]
    assert '![x](data:image/png;base64,AAAA){: onerror="alert(1)" }' in shown
    assert "[a](javascript:alert(1)){: #id }" in shown
    assert "~~~" in visit.shown["documents/"]
