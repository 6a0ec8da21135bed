"""``make bench``: speed and size figures, kept out of the tests so they never flake.

Prints one line a measurement with the target beside it; exits 1 if a target is missed.
Targets: each YAML hazard handled within 2 s; a full strict build of the sample within
20 s; at 5,000 generated services (bench/synthetic.py), every page's first visit (HTML + CSS
+ JS it loads, gzip-compressed as a static host serves it) at most 100 KB and a first search
at most 300 KB.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import BUILDERS  # noqa: E402
from generator.errors import DataError  # noqa: E402
from generator.pipeline import build_site  # noqa: E402
from generator.validate import load_project  # noqa: E402

TODAY = date(2026, 11, 23)
missed: list[str] = []


def measure(label: str, target: float, unit: str, action: Callable[[], object]) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    ok = seconds <= target
    print(
        f"{'ok  ' if ok else 'MISS'} {label:<48} {seconds:7.2f} s  (target {target} {unit})"
        f"  peak {peak:6.1f} MB"
    )
    if not ok:
        missed.append(label)


def hazard(tmp: Path, name: str, write: Callable[[Path], None]) -> None:
    root = tmp / name
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "content", root / "content")
    write(root / "data" / "services.yaml")

    def check() -> None:
        try:
            load_project(root)
        except DataError:
            return
        raise AssertionError(f"{name} was accepted")

    measure(f"hazard: {name}", 2.0, "s", check)


def first_load(page: Path) -> int:
    """Bytes a page costs on a first visit, gzip-compressed as a static host serves it: its
    HTML and the CSS and JavaScript it links (nothing else loads until the visitor asks)."""
    html = page.read_text()
    size = len(gzip.compress(html.encode()))
    for ref in re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html):
        asset = (page.parent / ref).resolve()
        if asset.is_file():
            size += len(gzip.compress(asset.read_bytes()))
    return size


def size(label: str, kb: float, target: float, note: str = "") -> None:
    ok = kb <= target
    print(f"{'ok  ' if ok else 'MISS'} {label:<48} {kb:7.1f} KB (target {target:g} KB){note}")
    if not ok:
        missed.append(label)


def first_search(site: Path, words: str) -> float:
    """KB (gzip) a first search for ``words`` transfers, measured in Chromium."""
    from playwright.sync_api import sync_playwright

    from generator.headers import read_headers
    from tests.conftest import CHROMIUM_ARGS, _chromium_path, serve

    url, server = serve(site, read_headers(site))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url + "search/", wait_until="networkidle")
            finished: list = []
            page.on("requestfinished", lambda request: finished.append(request))
            page.fill("#lo-q", words)
            page.press("#lo-q", "Enter")
            page.wait_for_function(
                "() => / for /.test(document.getElementById('lo-count').textContent)"
            )
            page.wait_for_load_state("networkidle")
            total = sum(len(gzip.compress(r.response().body())) for r in finished)
            browser.close()
    finally:
        server.shutdown()
    return total / 1024


def county(tmp: Path, services: int) -> None:
    """Build a generated county and measure what a visitor downloads."""
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    assert spec and spec.loader
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    root = synthetic.write_project(tmp / f"county-{services}", services, buildable=True)
    site = root / "site"
    measure(f"strict build of {services:,} services", 600.0, "s",
            lambda: build_site(root, site_dir=site, today=TODAY))  # fmt: skip
    pages = sorted(site.rglob("index.html"))
    weights = {page: first_load(page) / 1024 for page in pages}
    heaviest = max(weights, key=weights.__getitem__)
    note = f" {heaviest.parent.relative_to(site)}/ of {len(pages):,} pages"
    size(f"heaviest first visit at {services:,} (gzip)", weights[heaviest], 100, note)
    for words in ("speech therapy southend", "autism"):
        size(f"first search '{words}' at {services:,}", first_search(site, words), 300)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        hazard(tmp, "50 MB file", lambda p: p.write_bytes(b"services:\n" + b"#" * 50_000_000))
        hazard(tmp, "billion laughs", lambda p: p.write_text(laughs))
        hazard(tmp, "10,000 nested lists", lambda p: p.write_text("[" * 10_000 + "]" * 10_000))
        hazard(tmp, "non-UTF-8 bytes", lambda p: p.write_bytes(b"services:\n  - id: \xff\n"))
        hazard(tmp, "tabs for indentation", lambda p: p.write_text("services:\n\t- id: a\n"))
        measure("check the sample", 2.0, "s", lambda: load_project(ROOT))
        for builder in BUILDERS:
            out = tmp / f"site-{builder}"
            measure(
                f"strict build with {builder}",
                20.0,
                "s",
                lambda b=builder, o=out: build_site(ROOT, site_dir=o, today=TODAY, builder=b),
            )
        site = tmp / "site-mkdocs"
        pages = sorted(site.rglob("index.html"))
        average = sum(first_load(p) for p in pages) / len(pages) / 1024
        size("average first visit, sample (gzip)", average, 100, f" over {len(pages)} pages")
        county(tmp, 5000)
    if missed:
        print(f"missed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
