"""The live preview, as `make serve` runs it, in Chromium: an edit shows by itself; a data
error shows in the open page, every time; the page comes back once the file is fixed; a
change to the theme is drawn too.

The preview is `mkdocs serve --livereload --dirty` on a copy of the sample, on a port the
system picks; the browser page is never reloaded by the test, only by the preview.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .conftest import TODAY, copy_project

ROOT = Path(__file__).resolve().parent.parent
SHOWN = 30_000  # ms a change may take to reach the page (a rebuild takes a second or two)


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A copy of the sample, previewed; yields its folder and the preview's address."""
    root = copy_project(tmp_path / "project")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    serve = re.search(r"^serve:.*\n\t.*\n\t\$\(BIN\)/mkdocs (serve .*)$", makefile, re.M)
    assert serve, "the Makefile's serve target runs mkdocs serve"
    with socket.socket() as probe:  # a free port the system picks
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = re.sub(r"--dev-addr \S+", f"--dev-addr 127.0.0.1:{port}", serve.group(1)).split()
    env = {**os.environ, "LOCAL_OFFER_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", *args], cwd=root, env=env, stdout=log, stderr=log,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(base)
        yield root, base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
        log.close()


def _wait_for(url: str) -> None:
    for _ in range(600):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the preview never served {url}")


def _shows(page: Page, text: str) -> None:
    page.wait_for_function(
        "t => document.body && document.body.innerText.includes(t)", arg=text, timeout=SHOWN
    )


def test_the_preview_shows_edits_and_errors_and_recovers(
    preview: tuple[Path, str], browser: Browser
) -> None:
    root, base = preview
    data = root / "data" / "services.yaml"
    text = data.read_text(encoding="utf-8")
    found = re.search(r"^  - id: (\S+)\n    name: (.+)$", text, re.M)
    assert found
    service, name = found.groups()
    page = browser.new_page()
    page.goto(f"{base}services/{service}/", wait_until="load")
    _shows(page, name)

    data.write_text(text.replace(f"name: {name}\n", f"name: {name} (edited)\n", 1), "utf-8")
    _shows(page, f"{name} (edited)")

    # A mistake: the open page says what and where, and again for the next mistake.
    broken = text.replace("    levels: universal\n", "    levels: universel\n", 1)
    assert broken != text
    data.write_text(broken, "utf-8")
    _shows(page, "The preview cannot be updated yet")
    _shows(page, "'universel' is not one of")
    _shows(page, "data/services.yaml:")
    data.write_text(broken.replace(f"name: {name}\n", f"name: {name}: oops\n", 1), "utf-8")
    _shows(page, "mapping values are not allowed here")
    _shows(page, "must be in quotes")

    back = "t => document.querySelector('h1') && document.querySelector('h1').innerText.includes(t)"
    data.write_text(text, "utf-8")  # fixed: the page comes back by itself
    page.wait_for_function(back, arg=name, timeout=SHOWN)
    data.write_text(broken, "utf-8")  # the same mistake again is shown again
    _shows(page, "'universel' is not one of")
    data.write_text(text, "utf-8")
    page.wait_for_function(back, arg=name, timeout=SHOWN)
    page.close()


def test_the_preview_draws_a_theme_change(preview: tuple[Path, str], browser: Browser) -> None:
    root, base = preview
    page = browser.new_page()
    page.goto(base, wait_until="load")
    main = root / "theme" / "main.html"
    main.write_text(
        main.read_text(encoding="utf-8") + "\n{% block announce %}Preview theme marker"
        "{% endblock %}\n",
        "utf-8",
    )
    _shows(page, "Preview theme marker")
    page.close()


def test_the_preview_draws_what_every_page_shows_on_every_page(
    preview: tuple[Path, str], browser: Browser
) -> None:
    """A page's new title in the menu, and a new phone number in the footer, show on a page
    whose own file did not change: the builder reads them from other pages and from its
    settings, so each such change draws the whole preview again."""
    root, base = preview
    page = browser.new_page()
    page.goto(f"{base}privacy/", wait_until="load")
    glossary = root / "content" / "glossary.md"
    text = glossary.read_text(encoding="utf-8")
    glossary.write_text(text.replace("# Words we use", "# Terms explained", 1), "utf-8")
    _shows(page, "Terms explained")
    site = root / "data" / "site.yaml"
    settings = site.read_text(encoding="utf-8")
    phone = re.search(r"^(\s+phone: )(.+)$", settings, re.M)
    assert phone
    site.write_text(settings.replace(phone.group(0), phone.group(1) + "01632 960999", 1), "utf-8")
    _shows(page, "01632 960999")
    page.close()
