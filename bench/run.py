"""``make bench``: speed and size figures, kept out of the tests so they never flake.

Prints one line a measurement with the target beside it; exits 1 if a target is missed.
Targets: each YAML hazard handled within 2 s; a full strict build of the sample within
20 s; an average page (HTML + CSS + JS it loads, gzip-compressed as a static host serves
it) under 100 KB.
"""

from __future__ import annotations

import gzip
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

from generator.build import BUILDERS, build_site  # noqa: E402
from generator.errors import DataError  # noqa: E402
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


def page_weight(site: Path) -> float:
    """Average gzip bytes a page costs on a first visit: its HTML and what it links."""
    totals = []
    for page in site.rglob("index.html"):
        html = page.read_text()
        size = len(gzip.compress(html.encode()))
        for ref in re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html):
            asset = (page.parent / ref).resolve()
            if asset.is_file():
                size += len(gzip.compress(asset.read_bytes()))
        totals.append(size)
    return sum(totals) / len(totals) / 1024


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
        pages = len(list(site.rglob("*.html")))
        weight = page_weight(site)
        ok = weight <= 100
        print(
            f"{'ok  ' if ok else 'MISS'} {'average page weight (gzip, HTML+CSS+JS)':<48} "
            f"{weight:7.1f} KB (target 100 KB) over {pages} pages"
        )
        if not ok:
            missed.append("page weight")
    if missed:
        print(f"missed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
