"""Another area's project builds from its own data/ and content/ alone.

``tests/fixtures/other-area`` differs from the sample in everything an area chooses: its
name and address (served under a sub-path), its areas and audiences, four levels named as
phrases ("Help for everyone"), six strands, a "programme" rather than a "project", no
surveys. It is built with the sample's own ``mkdocs.yml`` and ``theme/``: no code, no
shared config changed.
"""

from __future__ import annotations

import functools
import html
import http.server
import posixpath
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from generator.pipeline import build_site

from .conftest import ROOT, TODAY, listening, parse

FIXTURE = Path(__file__).parent / "fixtures" / "other-area"
PREFIX = "/northmoor/therapy/"  # the path of site_url in its data/site.yaml


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("other-area") / "project"
    for name in ("data", "content"):
        shutil.copytree(FIXTURE / name, root / name)
    shutil.copytree(ROOT / "theme", root / "theme")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return build_site(root, today=TODAY)


def sample_text() -> set[str]:
    """Text of the sample project that no other area's site should contain."""
    found: set[str] = {"Essex", "Southend", "Thurrock", "Balanced System® Therapies Project"}

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and len(value) >= 25:
            found.add(" ".join(value.split())[:60])

    for path in (ROOT / "data").glob("*.yaml"):
        walk(yaml.safe_load(path.read_text()))
    for path in (ROOT / "content").rglob("*.md"):
        found.update(line for line in path.read_text().splitlines() if len(line) >= 40)
    return found


def test_no_text_of_the_sample_reaches_the_other_site(site: Path) -> None:
    needles = sample_text()
    assert len(needles) > 100
    leaks = []
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".txt", ""):
            text = " ".join(html.unescape(path.read_text(errors="replace")).split())
            leaks += [(path.name, n) for n in needles if n in text]
    assert leaks == []


def test_names_counts_and_words_come_from_the_data(site: Path) -> None:
    home = parse((site / "index.html").read_text())
    assert home["title"] == ["Northmoor Therapy Programme"]
    assert home["h1"] == ["Northmoor Children's Therapy Programme"]
    grid = (site / "balanced-system" / "index.html").read_text()
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", grid)).split())
    assert "It looks at 6 strands of work, each at 4 levels." in text
    assert "Help for everyone" in text and "Intensive help" in text
    timeline = parse((site / "timeline" / "index.html").read_text())
    assert timeline["h1"] == ["Programme timeline"]
    links = parse((site / "index.html").read_text())["href"]
    assert list(dict.fromkeys(h for h in links if h.startswith("audiences/"))) == [
        "audiences/families/",
        "audiences/young-people/",
        "audiences/colleges/",
    ]
    head = (site / "index.html").read_text().split("</head>")[0]
    assert '<meta name="description" content="Children' in head
    assert "Children's therapies in Northmoor, and how the programme" in html.unescape(head)


class SubPathHost(http.server.SimpleHTTPRequestHandler):
    """A static host serving the site under ``PREFIX``, with 404.html for what is missing."""

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith(PREFIX):
            return "/nonexistent"
        return super().translate_path("/" + path[len(PREFIX) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    handler = functools.partial(SubPathHost, directory=str(site))
    with listening(handler) as url:
        yield f"{url}{PREFIX}"


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def references(page: str) -> set[str]:
    """Every address a page links to or loads (links, styles, scripts, images)."""
    return set(re.findall(r'(?:href|src)="([^"]+)"', html.unescape(page)))


def test_every_link_works_when_served_under_a_sub_path(site: Path, base: str) -> None:
    pages = [
        base + p.relative_to(site).as_posix().removesuffix("index.html")
        for p in sorted(site.rglob("*.html"))
        if p.name != "404.html"
    ]
    broken = []
    checked: set[str] = set()
    for url in pages:
        status, page = fetch(url)
        assert status == 200, url
        for ref in references(page):
            target = urljoin(url, ref).split("#")[0]
            if not target.startswith(base) or target in checked:
                continue
            checked.add(target)
            if fetch(target)[0] != 200:
                broken.append((url, ref))
    assert broken == []
    assert len(checked) > 20


def test_the_404_page_works_at_any_depth_under_the_sub_path(base: str) -> None:
    for missing in ("nothing-here", "services/gone/deeper/"):
        status, page = fetch(base + missing)
        assert status == 404
        assert "Page not found" in page
        for ref in references(page) - {"#lo-main"}:
            target = urljoin(base + missing, ref).split("#")[0]
            if target.startswith(base):
                assert fetch(target)[0] == 200, ref


def test_the_sitemap_lists_every_page_at_the_sites_address(site: Path) -> None:
    listed = set(re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text()))
    expected = {
        "https://www.example.org" + PREFIX + posixpath.dirname(p.relative_to(site).as_posix())
        for p in site.rglob("index.html")
    }
    expected = {url if url.endswith("/") else url + "/" for url in expected}
    assert listed == expected
