"""Safe at every surface: each finding of the issue of that name stays closed.

Values typed into the site's settings reach the theme's own templates (head, header, menu,
footer) as text; the post-build check is an allow-list that ``check`` runs too; any Unicode
``check`` accepts builds; nothing is written through a link in ``schemas/`` or ``build/``;
file names reach a terminal escaped; every page carries its security policy in a ``<meta>``
for hosts that send no headers. (Open data as plain text, faults of the environment and a
vocabulary of 10,000 terms are in ``test_oruk``, ``test_environment`` and
``test_scale_data``.)
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError

from generator.cli import main
from generator.errors import BuildError, DataError, Problem
from generator.headers import meta_policy, security_headers
from generator.links import _read, broken_links
from generator.markup import refused
from generator.pipeline import build_site, run
from generator.pipeline import check as run_check

from .conftest import TODAY, copy_project, serve

#: What an attacker, or a careless paste, might put in the site's settings.
META_REFRESH = 'Therapy help"><meta http-equiv="refresh" content="0;url=https://evil.example/">'
FRAME_AND_FORM = (
    'programme <iframe src="https://evil.example/"></iframe>'
    '<form action="https://evil.example/"><input name="x"></form>'
)
SCRIPT_NAME = "Therapies <script>alert(1)</script> & \"co\" 'n' `x`"


def edit_site(root: Path, **settings: str) -> None:
    path = root / "data" / "site.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["site"].update(settings)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


class Head(HTMLParser):
    """Every element of a built page with its decoded attributes, and the title's text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.title = ""
        self._in_title = False
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


def html_of(page: Path) -> str:
    return page.read_text(encoding="utf-8")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


# --- site settings reach every page as text ----------------------------------------------


@pytest.mark.parametrize("builder", ["mkdocs", "properdocs", "zensical"])
def test_site_settings_are_text_in_the_theme_head_header_menu_and_title(
    sample: Path, builder: str
) -> None:
    edit_site(sample, description=META_REFRESH, work=FRAME_AND_FORM, short_name=SCRIPT_NAME)
    assert run_check(sample, TODAY)  # check passes, and so does build
    site = build_site(sample, today=TODAY, builder=builder)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        read = Head(page.read_text(encoding="utf-8"))
        names = [name for name, _ in read.tags]
        assert "iframe" not in names, page
        assert not [a for a in read.all("meta") if a.get("http-equiv", "").lower() == "refresh"]
        assert all("evil.example" not in a.get("action", "") for a in read.all("form")), page
        data = ("application/json", "application/ld+json")  # never runs
        assert all(a.get("src") for a in read.all("script") if a.get("type") not in data)
        if page.name == "index.html" and page.parent == site:
            assert read.title == SCRIPT_NAME  # the title reads as typed
        else:
            assert read.title.endswith(f" - {SCRIPT_NAME}"), page
    home = Head((site / "index.html").read_text(encoding="utf-8"))
    descriptions = [a["content"] for a in home.all("meta") if a.get("name") == "description"]
    assert descriptions == [META_REFRESH]
    menu = " ".join(home.text)
    assert f"The {FRAME_AND_FORM}" in menu  # the menu's section title, as text
    assert SCRIPT_NAME in menu  # the header's name
    header = re.search(r'<span class="lo-header__name">(.*?)</span>', html_of(site / "index.html"))
    assert header and unescape(header.group(1)) == SCRIPT_NAME  # the header's name, as text


def test_no_page_links_to_the_next_or_previous_in_reading_order_or_escapes_text_twice(
    sample_site: Path,
) -> None:
    """A Local Offer is not a manual read in order: no page has Material's "Next: …"
    footer links (the builder's ``navigation.footer``); and no text is escaped a second
    time (``&amp;#44;``), which a screen reader would read out as "ampersand hash 44"."""
    for page in sample_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "md-footer__link" not in html, page
        labels = [a.get("aria-label", "") + a.get("rel", "") for a in Head(html).all("a")]
        assert not [x for x in labels if x.startswith(("Next:", "Previous:"))], page
        assert "&amp;#" not in html, page


def test_a_site_address_that_cannot_be_an_address_of_pages_is_a_located_error(
    sample: Path,
) -> None:
    edit_site(sample, site_url='https://example.org/offer/"><script>x</script>')
    with pytest.raises(DataError) as info:
        run_check(sample, TODAY)
    [problem] = [str(p) for p in info.value.problems]
    assert problem.startswith("data/site.yaml:")
    assert "site.site_url: " in problem and "is not the address of a web folder" in problem


def test_a_short_name_with_markup_characters_is_accepted_and_shown_as_typed(
    sample: Path,
) -> None:
    """Refused before (``<`` could not be printed safely); now it is text like any other."""
    edit_site(sample, short_name='Help <for> "all" & `everyone`')
    assert run_check(sample, TODAY)


# --- any Unicode that check accepts builds ----------------------------------------------------


@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_emoji_and_other_scripts_in_settings_build(sample: Path, builder: str) -> None:
    name = "Therapies 🌈 \U0001d49c שלום مرحبا"  # an emoji, a letter beyond the BMP, RTL
    edit_site(sample, short_name=name, work="programme 🧩", description="Help 🌈 for all 👪")
    site = build_site(sample, today=TODAY, builder=builder)
    home = Head((site / "index.html").read_text(encoding="utf-8"))
    assert home.title == name
    assert [a["content"] for a in home.all("meta") if a.get("name") == "description"] == [
        "Help 🌈 for all 👪"
    ]
    assert "The programme 🧩" in " ".join(home.text)


# --- the post-build check is an allow-list --------------------------------------------------

#: Markup the templates never make, each as a page might come to hold it.
FOREIGN = [
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<iframe src="https://evil.example/"></iframe>',
    '<form action="https://evil.example/"><input name="x"></form>',
    '<base href="https://evil.example/">',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<a href="ftp://evil.example/">x</a>',
    '<a href="  JaVa\tScRiPt:alert(1)">x</a>',
    '<a href="data:text/html,x">x</a>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<link rel="preload" href="x.css">',
    '<script src="https://evil.example/x.js"></script>',
    '<script src="//evil.example/x.js"></script>',
    "<script>alert(1)</script>",
    '<p style="color: red">x</p>',
    '<p onclick="alert(1)">x</p>',
    '<svg><animate onbegin="alert(1)"></animate></svg>',
    '<img src="https://evil.example/pixel.png">',
    '<img src="x.png" onerror="alert(1)">',
    '<img src="x.png" srcset="https://evil.example/x.png 2x">',
    '<meta http-equiv="Content-Security-Policy" content="default-src *">',
]


@pytest.mark.parametrize("markup", FOREIGN)
def test_markup_the_templates_never_make_is_refused_wherever_it_comes_from(markup: str) -> None:
    page = _read(f"<!doctype html><html><head></head><body><p>Hi</p>{markup}</body></html>")
    assert page.refused, markup


def test_the_markup_the_templates_make_is_allowed(sample_site: Path) -> None:
    assert broken_links(sample_site) == []
    own = f'<meta http-equiv="Content-Security-Policy" content="{meta_policy()}">'
    assert _read(f"<html><head>{own}</head><body></body></html>").refused == []
    assert refused("a", [("href", "https://example.org/"), ("class", "x")]) == []
    assert refused("a", [("href", "tel:01632960000"), ("aria-label", "Call")]) == []


def test_a_theme_that_adds_foreign_markup_to_every_page_fails_the_build_naming_pages(
    sample: Path, tmp_path: Path
) -> None:
    main_html = sample / "theme" / "main.html"
    main_html.write_text(
        main_html.read_text().replace(
            "{% block extrahead %}",
            '{% block extrahead %}<meta http-equiv="refresh" content="0;url=https://evil.'
            'example/"><base href="https://evil.example/">',
        )
    )
    (sample / "site").mkdir()
    (sample / "site" / "index.html").write_text("old")
    (sample / "site" / "_headers").write_text("old")
    with pytest.raises(BuildError) as info:
        build_site(sample, today=TODAY)
    message = str(info.value)
    assert 'index.html: a <meta http-equiv="refresh">' in message
    assert "index.html: a <base> element" in message
    assert (sample / "site" / "index.html").read_text() == "old"  # nothing published


def test_check_runs_the_same_guard_and_names_the_field_a_template_printed_as_markup(
    sample: Path,
) -> None:
    """A site's template that prints a field unescaped (``| safe``) is caught by ``check``,
    at the field's line, before anything is built."""
    (sample / "theme" / "service.html").write_text(
        '{% extends "builtin/service.html" %}\n'
        "{% block contact %}<p>{{ service.eligibility | safe }}</p>{% endblock %}\n"
    )
    path = sample / "data" / "services.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.index("    eligibility: ")
    line = text[:first].count("\n") + 1
    end = text.index("\n", first)
    hostile = "    eligibility: '<iframe src=https://evil.example/></iframe>'"
    text = text[:first] + hostile + text[end:]
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as info:
        run_check(sample, TODAY)
    [problem] = {str(p).split(" would hold")[0] for p in info.value.problems}
    assert problem.startswith(f"data/services.yaml:{line}: services[")
    assert (
        "eligibility (the 1st service, id speech-and-language-advice-line): the page services/"
        in problem
    )
    assert all("a <iframe> element" in str(p) for p in info.value.problems)


def test_a_template_that_writes_foreign_markup_itself_is_named_by_check(sample: Path) -> None:
    (sample / "theme" / "timeline.html").write_text(
        '{% extends "builtin/timeline.html" %}\n'
        "{% block content %}<h1>Timeline</h1>"
        '<form action="https://evil.example/"></form>{% endblock %}\n'
    )
    with pytest.raises(DataError) as info:
        run_check(sample, TODAY)
    assert [str(p) for p in info.value.problems] == [
        'timeline.md:1: the page timeline.md would hold action="https://evil.example/" on '
        '<form>, an address on another site: <form action="https://evil.example/"> '
        "(written by a template)"
    ]


# --- nothing is written through a link or outside the project's folders ---------------------


@pytest.mark.parametrize("command", ["check", "generate", "build"])
def test_a_link_inside_schemas_is_refused_and_nothing_is_written_through_it(
    sample: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text("precious")
    (sample / "schemas").mkdir()
    (sample / "schemas" / "site.schema.json").symlink_to(outside)
    (sample / "schemas" / "services.schema.json").symlink_to(sample / "data" / "site.yaml")
    before = (sample / "data" / "site.yaml").read_bytes()
    assert main(["--root", str(sample), command, "--today", TODAY.isoformat()]) == 2
    err = capsys.readouterr().err
    assert err.startswith("schemas/s") and "is a link; put the file itself in schemas/" in err
    assert outside.read_text() == "precious"
    assert (sample / "data" / "site.yaml").read_bytes() == before


def test_schemas_as_a_file_or_a_link_is_refused_by_check_too(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sample / "schemas").write_text("not a folder")
    assert main(["--root", str(sample), "check"]) == 2
    assert "schemas is a file, where the generator keeps a folder" in capsys.readouterr().err
    (sample / "schemas").unlink()
    (sample / "schemas").symlink_to(tmp_path)
    assert main(["--root", str(sample), "check"]) == 2
    assert "schemas/ is a link to " in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [sample]  # nothing written into what it points at


def test_a_link_inside_the_docs_folder_is_refused(sample: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (sample / "build" / "docs" / "services").symlink_to(outside)
    with pytest.raises(BuildError, match=r"docs/services is a link"):
        run(sample, TODAY, until="generate")
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("how", ["the folder", "a folder in it", "a page in it", "a file"])
def test_a_search_folder_that_is_not_the_generators_is_made_again_never_written_through(
    sample: Path, tmp_path: Path, how: str
) -> None:
    """``build/search`` (the pages as search reads them) is only the build's: a link there,
    or in it, is removed as itself and the folder written afresh; what it pointed at is
    never written into, nor deleted."""
    outside = tmp_path / "outside"
    (outside / "services").mkdir(parents=True)
    (outside / "index.html").write_text("precious")
    search = sample / "build" / "search"
    if how == "the folder":
        search.symlink_to(outside)
    elif how == "a file":
        search.write_text("not a folder")
    else:
        search.mkdir(parents=True)
        if how == "a folder in it":
            (search / "services").symlink_to(outside / "services")
        else:
            (search / "index.html").symlink_to(outside / "index.html")
    site = build_site(sample, today=TODAY)
    assert sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*")) == [
        "index.html",
        "services",
    ]
    assert (outside / "index.html").read_text() == "precious"
    assert search.is_dir() and not search.is_symlink()
    assert not [p for p in search.rglob("*") if p.is_symlink()]
    assert b"data-pagefind-body" in (search / "index.html").read_bytes()
    assert (site / "pagefind" / "pagefind.js").is_file()


def test_the_lock_and_the_builders_settings_are_never_written_through_a_link(
    sample: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.write_text("precious")
    (sample / "build" / ".lock").symlink_to(outside)
    with pytest.raises(BuildError, match=r"build/\.lock is a link"):
        run(sample, TODAY, until="generate")
    assert outside.read_text() == "precious"


# --- names of files reach a terminal escaped --------------------------------------------------


def test_file_names_with_line_breaks_and_escape_codes_are_shown_inert(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sample / "data" / "services").mkdir()
    (sample / "data" / "services" / "x\x1b[31mred.yaml").write_text("services: []\n")
    (sample / "content" / "a\n::error file=x::forged.md").write_text("# T\n")
    (sample / "content" / "b\u202egpj.exe").write_text("x")
    assert main(["--root", str(sample), "check"]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\u202e" not in err
    lines = err.splitlines()
    assert not [line for line in lines if line.startswith("::")]
    assert len(lines) == 4  # three problems, one line each, and the count
    assert lines[0].startswith("content/a\\n::error file=x::forged.md:1: the file name ")
    assert lines[1].startswith("content/b\\u202egpj.exe:1: ")
    assert lines[2].startswith("data/services/x\\x1b[31mred.yaml:1: the file name ")


def test_a_problem_is_one_line_whatever_it_holds() -> None:
    problem = Problem("data/a\nb.yaml", 3, "x\ty", "bad\r\n::error::\x07")
    assert str(problem) == "data/a\\nb.yaml:3: x\\ty: bad\\r\\n::error::\\x07"


# --- every page carries its policy where any host reads it ------------------------------------


def test_every_page_carries_the_policy_in_a_meta_that_a_host_without_headers_enforces(
    sample_site: Path, browser: Browser
) -> None:
    policy = meta_policy()
    assert policy == security_headers()["Content-Security-Policy"].replace(
        "; frame-ancestors 'none'", ""
    )
    for page in sample_site.rglob("*.html"):
        metas = Head(page.read_text(encoding="utf-8")).all("meta")
        assert [m["content"] for m in metas if m.get("http-equiv")] == [policy], page
    url, server = serve(sample_site, {})  # a host that sends no headers at all
    other, other_server = serve(sample_site, {})  # another origin (another port)
    try:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url + "services/")
        assert errors == []  # the site itself works under its policy
        with pytest.raises(PlaywrightError):  # an inline script is refused
            page.add_script_tag(content="window.__ran = 1")
        assert page.evaluate("window.__ran") is None
        fetched = page.evaluate(
            "(u) => fetch(u).then(() => 'fetched', () => 'refused')", other + "index.html"
        )
        assert fetched == "refused"
        assert any("Content Security Policy" in e for e in errors)
        context.close()
    finally:
        for s in (server, other_server):
            s.shutdown()
            s.server_close()


def test_a_preview_leaves_the_policy_out_for_its_reload_script(sample: Path) -> None:
    from generator.model import build_model
    from generator.routes import builder_config
    from generator.validate import load_project

    site = build_model(load_project(sample), TODAY)
    published, preview = builder_config(site), builder_config(site, policy=False)
    assert published["extra"]["content_security_policy"] == meta_policy()
    assert "content_security_policy" not in preview["extra"]
    assert published["extra"]["lo"] == preview["extra"]["lo"]  # the header and footer
    assert {k: v for k, v in published.items() if k != "extra"} == {
        k: v for k, v in preview.items() if k != "extra"
    }
