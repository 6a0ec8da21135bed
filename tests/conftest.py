"""Shared fixtures: the sample project and a generated county of 5,000 services, each built
once per session, and an HTTP server for them."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import ClassVar

import pytest
from playwright.sync_api import Browser, sync_playwright

import generator.parallel

ROOT = Path(__file__).resolve().parent.parent
#: Every test sees the same "today", so dates (open surveys, overdue reviews) are stable.
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test's own runs make their pages in this process, whatever threads earlier tests
    left (``parallel`` forks only in a process that runs none): so a spy sees every call,
    and a test runs the same alone or in the suite. ``test_parallel`` forks on purpose,
    and holds the two ways to each other; the commands a test starts fork as they would."""
    monkeypatch.setattr(generator.parallel, "_alone", lambda: False)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project in this repository, built strictly into a temporary site/."""
    from generator.pipeline import build_site

    site_dir = tmp_path_factory.mktemp("sample") / "site"
    build_site(ROOT, site_dir=site_dir, today=TODAY)
    return site_dir


#: A county's whole offer: the size the directory, search and page weights must hold at.
COUNTY_SERVICES = 5000


def load_synthetic() -> ModuleType:
    """``bench/synthetic.py``, loaded by its path: ``bench/`` holds scripts, not a package."""
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def county_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic project of ``COUNTY_SERVICES`` services (bench/synthetic.py)."""
    root = tmp_path_factory.mktemp("county") / "project"
    return load_synthetic().write_project(root, COUNTY_SERVICES, buildable=True)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def county_site(county_root: Path) -> Path:
    """The county project, built strictly (minutes: built once, for every test that needs it)."""
    from generator.pipeline import build_site

    return build_site(county_root, site_dir=county_root / "site", today=TODAY)


@pytest.fixture(scope="session")
def county_url(county_site: Path) -> Iterator[str]:
    yield from served(county_site)


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Serves a built site as a static host would: with the headers in its ``_headers``."""

    headers_to_send: ClassVar[dict[str, str]] = {}

    def end_headers(self) -> None:
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def page_paths(sample_site: Path) -> list[str]:
    """Every HTML page of the built sample, as a URL path relative to the site root."""
    paths = []
    for file in sorted(sample_site.glob("**/index.html")):
        parent = file.parent.relative_to(sample_site).as_posix()
        paths.append("" if parent == "." else parent + "/")
    if (sample_site / "404.html").exists():
        paths.append("404.html")
    assert paths, f"no pages found in {sample_site}"
    return paths


@pytest.fixture(scope="session")
def site_url(sample_site: Path) -> Iterator[str]:
    """Base URL (ending in /) of the built sample site served on 127.0.0.1, with its
    security headers (so every browser test also runs under its Content-Security-Policy)."""
    yield from served(sample_site)


def served(site: Path) -> Iterator[str]:
    """The base URL of ``site`` served with its own ``_headers``, for as long as the
    fixture that yields from this lasts."""
    from generator.headers import read_headers

    url, server = serve(site, read_headers(site))
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def listening(handler: Callable[..., http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` (no slash), a port the system picks, where ``handler``
    answers in a thread of its own; the server is stopped when the block ends."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    found = shutil.which("chromium")
    if not found:
        pytest.fail("Chromium not found: install Debian's chromium package (see .ci/run)")
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole session (never a downloaded browser)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def serve(
    site: Path, headers: dict[str, str], kind: type[StaticHost] = StaticHost
) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Serve ``site`` on 127.0.0.1 with ``headers`` (by ``kind`` of host: the benchmark's
    compresses with gzip); the caller shuts the server down."""
    host = type("Host", (kind,), {"headers_to_send": headers})
    handler = functools.partial(host, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def write_project(tmp_path: Path, **files: str | bytes | None) -> Path:
    """Copy the minimal project; ``services=...`` replaces data/services.yaml (text or bytes),
    None removes it, and a name the fixture lacks (``servics``) adds that file."""
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    for name, content in files.items():
        path = root / "data" / f"{name}.yaml"
        if content is None:
            path.unlink()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    """The problems ``load_project`` raises for ``root``, as people read them."""
    from generator.errors import DataError
    from generator.validate import load_project

    with pytest.raises(DataError) as info:
        load_project(root)
    return [str(problem) for problem in info.value.problems]


def copy_project(dest: Path) -> Path:
    """A private copy of the sample project (data, content, theme, mkdocs.yml) to change."""
    for name in ("data", "content", "theme"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "build" / "docs").mkdir(parents=True)
    return dest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="rewrite tests/golden from the output"
    )


def parse(html: str) -> dict[str, list[str]]:
    """What a browser reads in ``html``: every ``href`` and the text of every h1 and title,
    with character references decoded (built pages write text as references)."""
    from html.parser import HTMLParser

    found: dict[str, list[str]] = {"href": [], "h1": [], "title": []}

    class Reader(HTMLParser):
        open: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found["href"] += [v for k, v in attrs if k == "href" and v is not None]
            if tag in ("h1", "title"):
                self.open = tag
                found[tag].append("")

        def handle_endtag(self, tag: str) -> None:
            if tag == self.open:
                self.open = None

        def handle_data(self, data: str) -> None:
            if self.open:
                found[self.open][-1] += data

    Reader(convert_charrefs=True).feed(html)
    return found
