"""``make bench``: speed and size figures, kept out of the tests so they never flake.

Generates realistic counties of 100, 1,000 and 5,000 services (``bench/synthetic.py``, with
updates, documents and surveys in proportion), and for each measures: a cold ``check``
(``--no-cache``: the project's cache in ``build/cache/`` neither read nor written); a clean
strict build, step by step, with its peak memory (``bench/steps.py``, in a process of its
own: the largest process's; and, in the untimed clean build compared with an incremental
one, all the build's processes' at once, ``peak_together``); the same number of plain pages
built by stock MkDocs + Material and by Hugo with a menu like ours
(``bench/reference.py``); the site's and the search index's sizes; and what a first visit
to the home page, the directory, a service and an audience page transfers, served
gzip-compressed and measured in Chromium. Then, with the cache the build filled: ``check``
with nothing changed (warm), ``check`` after one service's summary is edited, and ``build``
after one more edit, which reuses the clean build's site and must make, file by file and
byte for byte, the site a clean build (``--no-cache``) makes of the same data. At 1,000
services it also times the live preview showing a saved change and runs Lighthouse
(mobile); at 5,000, two first searches.

Prints one table, writes ``BENCHMARKS.md`` and exits 1 if any target is missed. The YAML
hazards, the sample's build with each builder and ``check`` of a vocabulary of 10,000 terms
(each vocabulary in turn) are measured first. ``--json`` (the tests' small run) measures the
counties alone, the cache's figures included, and writes them to a file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import markdown  # noqa: E402
import reference  # noqa: E402
import screenshots  # noqa: E402
import yaml  # noqa: E402

from generator.build import BUILDERS  # noqa: E402
from generator.errors import DataError  # noqa: E402
from generator.headers import read_headers  # noqa: E402
from generator.pipeline import build_site  # noqa: E402
from generator.sanitise import FIELD_EXTENSIONS  # noqa: E402
from generator.validate import load_project  # noqa: E402
from tests.conftest import (  # noqa: E402
    CHROMIUM_ARGS,
    StaticHost,
    _chromium_path,
    load_synthetic,
    serve,
    write_project,
)
from tests.test_find import first_load_bytes  # noqa: E402
from tests.test_scale_data import VOCABULARIES, with_terms  # noqa: E402

TODAY = date(2026, 11, 23)
SIZES = (100, 1000, 5000)
LIGHTHOUSE = ROOT / "build" / "bench" / "node_modules" / ".bin" / "lighthouse"
#: The targets of issues 12 and 25, and the sample's own.
HUGO_RATIO, MATERIAL_RATIO, OWN_SHARE, FLAT, PEAK_MB = 4.0, 2.0, 0.20, 1.25, 1024
#: Issue 25: a cold ``check`` (``--no-cache``); with the cache, ``check`` and ``build`` after
#: one record's edit.
CHECK_S, EDIT_CHECK_S, EDIT_BUILD_S = 8.0, 1.0, 10.0
PREVIEW_S, PAGE_KB, SEARCH_KB, RUN_MIN = 2.0, 100, 300, 15
TERMS, TERMS_S = 10_000, 3.0  # a vocabulary this large checks in under this many seconds

lines: list[str] = []  # the report, as markdown table rows and notes
missed: list[str] = []


def verdict(label: str, ok: bool, shown: str, target: str) -> None:
    """Print one measurement and keep it for BENCHMARKS.md."""
    mark = "ok  " if ok else "MISS"
    print(f"{mark} {label:<58} {shown:>14}  (target {target})", flush=True)
    lines.append(f"| {label} | {shown} | {target} | {'met' if ok else '**missed**'} |")
    if not ok:
        missed.append(label)


# --- the sample ---------------------------------------------------------------------------


def hazard(tmp: Path, name: str, write: Callable[[Path], None]) -> None:
    root = tmp / name
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "content", root / "content")
    write(root / "data" / "services.yaml")
    start = time.perf_counter()
    try:
        load_project(root)
    except DataError:
        seconds = time.perf_counter() - start
        verdict(f"hazard refused: {name}", seconds <= 2, f"{seconds:.2f} s", "≤ 2 s")
        return
    raise AssertionError(f"{name} was accepted")


def sample(tmp: Path) -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    hazard(tmp, "50 MB file", lambda p: p.write_bytes(b"services:\n" + b"#" * 50_000_000))
    hazard(tmp, "billion laughs", lambda p: p.write_text(laughs))
    hazard(tmp, "10,000 nested lists", lambda p: p.write_text("[" * 10_000 + "]" * 10_000))
    hazard(tmp, "non-UTF-8 bytes", lambda p: p.write_bytes(b"services:\n  - id: \xff\n"))
    hazard(tmp, "tabs for indentation", lambda p: p.write_text("services:\n\t- id: a\n"))
    for builder in BUILDERS:
        start = time.perf_counter()
        build_site(ROOT, site_dir=tmp / f"site-{builder}", today=TODAY, builder=builder)
        seconds = time.perf_counter() - start
        verdict(f"sample: strict build with {builder}", seconds <= 20, f"{seconds:.1f} s", "≤ 20 s")


def vocabularies(tmp: Path) -> None:
    """``python -m generator check`` of the minimal project with ``TERMS`` terms in one
    vocabulary, each in turn: its records valid (each term a filter value, each audience a
    page, the editor's schemas compared), and every use of the vocabulary an unknown id."""
    for name in VOCABULARIES:
        seconds = []
        for known in (True, False):
            root = write_project(tmp / f"terms-{name}-{'valid' if known else 'unknown'}")
            with_terms(root, name, TERMS, known=known)
            start = time.perf_counter()
            checked = subprocess.run(
                [sys.executable, "-m", "generator", "check", "--root", str(root),
                 "--today", TODAY.isoformat()],
                capture_output=True,
            )  # fmt: skip
            seconds.append(time.perf_counter() - start)
            if checked.returncode != (0 if known else 1):
                raise RuntimeError(f"check of {root}: {checked.stderr.decode()[-2000:]}")
        verdict(
            f"check, {TERMS:,} {name}: valid; unknown ids",
            max(seconds) < TERMS_S,
            "; ".join(f"{s:.1f} s" for s in seconds),
            f"< {TERMS_S:g} s",
        )


# --- a county -----------------------------------------------------------------------------


def county(
    tmp: Path,
    services: int,
    *,
    preview: bool = False,
    lighthouse: bool = False,
    searches: bool = False,
    references: bool = True,
) -> dict[str, Any]:
    """Every figure of one generated county (see the module's docstring).

    The order keeps each figure apart from the others: a cold ``check`` (``--no-cache``,
    nothing read or written); the clean build (``bench/steps.py``, with no cache there yet;
    it fills the cache) and every figure of the site it built, from the data as generated;
    then ``check`` with the cache (unchanged, then after one record's edit), and a build
    after one more edit, compared file by file with a clean build of the same data.
    """
    root = load_synthetic().write_project(tmp / f"county-{services}", services, buildable=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cold_s = run_generator(root, "check", "--no-cache", env=env)
    site = root / "site"
    built = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "steps.py"), str(root), str(site)],
        capture_output=True,
        text=True,
        env=env,
    )
    if built.returncode != 0:
        raise RuntimeError(f"build failed: {built.stderr[-2000:]}")
    figures: dict[str, Any] = {
        "services": services,
        "check_s": cold_s,  # the old name, still read by older reports: the cold figure
        "check_cold_s": cold_s,
        **json.loads(built.stdout),
    }
    figures |= floors(root)
    html = [p for p in site.rglob("*.html") if p.name != "404.html"]
    figures["pages"] = len(html)
    figures["site_mb"] = _bytes(site) / 1e6
    figures["search_mb"] = _bytes(site / "pagefind") / 1e6
    feed = list((site / "oruk").glob("services-page-*.json"))  # the open data's pages
    figures["feed_files"], figures["feed_largest_kb"] = len(feed), max(_sizes(feed)) / 1024
    if references:
        content = reference.pages(root, len(html))
        figures["hugo_s"] = reference.hugo(tmp / f"hugo-{services}", content)
        figures["material_s"] = reference.material(tmp / f"material-{services}", content)
        public = tmp / f"hugo-{services}" / "public"  # the home page, and one per page
        figures["hugo_pages"] = len([public, *(public / "pages").glob("*/index.html")])
        built_pages = (tmp / f"material-{services}" / "site").rglob("*.html")
        figures["material_pages"] = len([p for p in built_pages if p.name != "404.html"])
    figures["heaviest"] = max(
        (first_load_bytes(site, p), p.parent.relative_to(site).as_posix()) for p in html
    )
    with gzip_served(site) as url:
        figures["visits"] = first_visits(url, _sample_pages(site))
        if searches:
            figures["searches"] = {
                w: first_search(url, w) for w in ("speech therapy southend", "autism")
            }
        if lighthouse:
            figures["lighthouse"] = {
                name: run_lighthouse(url + path, tmp) for name, path in _sample_pages(site).items()
            }
    clean = root / "site-clean"
    try:
        figures |= only_what_changed(root, site, clean, env)
        if preview:
            figures["preview_s"] = preview_latency(root)
    finally:
        spare = site.with_name(f".{site.name}.spare")  # kept by the builds after an edit
        for folder in (site, clean, spare):  # a county's sites are large; the numbers are kept
            shutil.rmtree(folder, ignore_errors=True)
    return figures


def only_what_changed(root: Path, site: Path, clean: Path, env: dict[str, str]) -> dict[str, Any]:
    """``check`` and ``build`` with the project's cache (``build/cache/``), after the clean
    build of ``site`` has filled it: ``check`` with nothing changed (after one ``check``,
    untimed, that fills the cache), ``check`` after one record's edit, and ``build`` after
    one more edit (into ``site``, the clean build's folder, so it can reuse that site). That
    last site must be the very site a clean build of the same data makes (``--no-cache``,
    into ``clean``): the same files, byte for byte."""
    run_generator(root, "check", env=env)
    figures: dict[str, Any] = {"check_warm_s": run_generator(root, "check", env=env)}
    edit_record(root, "Edited for the benchmark, a one-record change before a check.")
    figures["check_edit_s"] = run_generator(root, "check", env=env)
    edit_record(root, "Edited again for the benchmark, a one-record change before a build.")
    figures["build_edit_s"] = run_generator(root, "build", env=env)
    clean_build = ["build", "--root", str(root), "--today", TODAY.isoformat(), "--no-cache"]
    clean_build += ["--site-dir", str(clean)]
    figures["together_mb"] = peak_together([sys.executable, "-m", "generator", *clean_build], env)
    differ = differences(site, clean)
    # And the build after one more edit, as staff build again and again: it starts from the
    # spare the build before kept (``build._set_aside``), which a build after a clean one
    # (and every build in CI, whose host's cache restores the site as new files) has not.
    edit_record(root, "Edited a third time, a one-record change before the next build.")
    figures["build_next_s"] = run_generator(root, "build", env=env)
    shutil.rmtree(clean)
    run_generator(root, "build", "--no-cache", "--site-dir", str(clean), env=env)
    differ += differences(site, clean)
    figures["build_edit_identical"] = not differ
    if differ:
        figures["build_edit_differs"] = differ[:5]
    return figures


def run_generator(root: Path, command: str, *options: str, env: dict[str, str]) -> float:
    """Seconds ``python -m generator COMMAND`` takes on ``root``; it must succeed."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "generator", command, "--root", str(root),
         "--today", TODAY.isoformat(), *options],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{command} {' '.join(options)} failed: {done.stderr[-2000:]}")
    return seconds


def peak_together(command: list[str], env: dict[str, str]) -> float:
    """Run ``command`` (it must succeed) and give the most memory, in MB, that it and every
    process it started held at once, sampled ten times a second from Linux's ``/proc``. A
    build runs its builder and its search indexer beside each other, and each process's own
    peak (``steps.py``) does not add them up. (Sampled in this untimed build: reading
    ``/proc`` takes a little of the machine.)"""
    with tempfile.TemporaryFile("w+") as said:  # a file: a pipe not read would fill
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=said, env=env)
        peak = 0
        while process.poll() is None:
            peak = max(peak, _resident_below(process.pid))
            time.sleep(0.1)
        if process.returncode != 0:
            said.seek(0)
            raise RuntimeError(f"{' '.join(command[2:4])} failed: {said.read()[-2000:]}")
    return peak / 1e6


def _resident_below(pid: int) -> int:
    """Bytes resident now in process ``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue  # ended meanwhile
            parent = int(stat.rpartition(")")[2].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        here = todo.pop()
        todo += children.get(here, [])
        try:
            status = Path(f"/proc/{here}/status").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) * 1024 for line in status.splitlines()
                     if line.startswith("VmRSS:"))  # fmt: skip
    return total


def edit_record(root: Path, summary: str) -> None:
    """Change one service's one-line summary (``summary:``, what the pages show as its one
    line): the first in the first file of ``data/services/``, by name; nothing else."""
    record = sorted((root / "data" / "services").glob("*.yaml"))[0]
    text = record.read_text(encoding="utf-8")
    edited, count = re.subn(r"^  summary: .*$", f"  summary: {summary}", text, count=1, flags=re.M)
    if not count or edited == text:
        raise RuntimeError(f"no service's summary to edit in {record}")
    record.write_text(edited, encoding="utf-8")


def differences(one: Path, other: Path) -> list[str]:
    """The files, by path under each folder, that only one holds or whose bytes differ."""
    held = [
        {p.relative_to(f).as_posix() for p in f.rglob("*") if p.is_file()} for f in (one, other)
    ]
    both = held[0] & held[1]
    alone = (held[0] | held[1]) - both
    return sorted(alone | {p for p in both if (one / p).read_bytes() != (other / p).read_bytes()})


def floors(root: Path) -> dict[str, float]:
    """What two libraries alone take on a county's data, below which ``check`` cannot go:
    libyaml parsing every data file (events only: no checks, no line numbers kept), and
    Python-Markdown converting every service's description (no cleaning)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "data").rglob("*.yaml"))]
    start = time.perf_counter()
    for text in texts:
        for _event in yaml.parse(text, Loader=yaml.CSafeLoader):
            pass
    parse_s = time.perf_counter() - start
    descriptions = [
        service["description"]
        for text in texts
        for service in (yaml.load(text, Loader=yaml.CSafeLoader) or {}).get("services", [])
    ]
    converter = markdown.Markdown(extensions=FIELD_EXTENSIONS)
    start = time.perf_counter()
    for description in descriptions:
        converter.reset().convert(description)
    return {"parse_s": parse_s, "markdown_s": time.perf_counter() - start}


def _bytes(folder: Path) -> int:
    return sum(_sizes(p for p in folder.rglob("*") if p.is_file()))


def _sizes(paths: Any) -> list[int]:
    return [p.stat().st_size for p in paths]


def _sample_pages(site: Path) -> dict[str, str]:
    """The four pages a first visit is measured on, by what they are."""
    service = sorted(p.name for p in (site / "services").iterdir() if (p / "index.html").is_file())
    audience = sorted(p.name for p in (site / "audiences").iterdir() if p.is_dir())
    return {
        "home": "",
        "directory": "services/",
        "a service": f"services/{service[0]}/",
        "an audience page": f"audiences/{audience[0]}/",
    }


# --- in the browser -----------------------------------------------------------------------


class GzipHost(StaticHost):
    """A static host (the site's ``_headers``, as the tests serve it) that compresses text
    with gzip when the browser asks, as real hosts do."""

    TEXT = ("text/", "application/javascript", "application/json", "image/svg+xml")

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return
        body, kind = path.read_bytes(), self.guess_type(str(path))
        self.send_response(200)
        self.send_header("Content-Type", kind)
        if kind.startswith(self.TEXT) and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, 6)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def gzip_served(site: Path) -> Iterator[str]:
    url, server = serve(site, read_headers(site), GzipHost)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def first_visits(url: str, pages: dict[str, str]) -> dict[str, float]:
    """KB each page transfers on a first visit (an empty cache): every response it loads,
    as compressed on the wire."""
    found = {}
    with chromium() as browser:
        for name, path in pages.items():
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            sizes: list[int] = []
            page.on("requestfinished", lambda r, s=sizes: s.append(r.sizes()["responseBodySize"]))
            page.goto(url + path, wait_until="networkidle")
            found[name] = sum(sizes) / 1024
            context.close()
    return found


def first_search(url: str, words: str) -> float:
    """KB a first search for ``words`` transfers, from the search page, in Chromium."""
    with chromium() as browser:
        page = browser.new_page()
        page.goto(url + "search/", wait_until="networkidle")
        sizes: list[int] = []
        page.on("requestfinished", lambda r: sizes.append(r.sizes()["responseBodySize"]))
        page.fill("#lo-q", words)
        page.press("#lo-q", "Enter")
        page.wait_for_function(
            "() => / for /.test(document.getElementById('lo-count').textContent)"
        )
        page.wait_for_load_state("networkidle")
    return sum(sizes) / 1024


def run_lighthouse(url: str, tmp: Path) -> dict[str, Any]:
    """Lighthouse's mobile scores for ``url`` (npm's lighthouse, on Debian's Chromium).

    Lighthouse now and then fails to start Chromium; it is tried three times, and a page
    it never scores is reported with the reason, as a missed target.
    """
    if not LIGHTHOUSE.exists():
        return {}
    out = tmp / "lighthouse.json"
    flags = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
    said = ""
    for _ in range(3):
        result = subprocess.run(
            [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
             "--only-categories=performance,accessibility,best-practices,seo",
             f"--chrome-flags={flags}"],
            env={**os.environ, "CHROME_PATH": _chromium_path()}, capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode == 0:
            report = json.loads(out.read_text())
            return {name: category["score"] for name, category in report["categories"].items()}
        said = (result.stderr.strip().splitlines() or ["no message"])[-1][:120]
    return {"error": said}


# --- the live preview ---------------------------------------------------------------------


def preview_latency(root: Path, edits: int = 3) -> float:
    """Seconds, at worst over ``edits`` saves, from saving one service's new name to the
    previewed page (``mkdocs serve`` as ``make serve`` runs it) showing it."""
    with socket.socket() as probe:  # a free port the system picks, for mkdocs serve
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "serve",
        "--livereload",
        "--dirty",
        "--dev-addr",
        f"127.0.0.1:{port}",
    ]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "LOCAL_OFFER_TODAY": TODAY.isoformat()}
    server = subprocess.Popen(
        command,
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"
    record = sorted((root / "data" / "services").glob("*.yaml"))[0]
    text = record.read_text(encoding="utf-8")
    found = re.search(r"^- id: (\S+)\n  name: (.+)$", text, re.M)
    assert found, f"no service found in {record}"
    page, name = f"{base}services/{found.group(1)}/", found.group(2)
    worst = 0.0
    try:
        _wait(lambda: name in _get(page) and "pagefind" in _get(base + "pagefind/pagefind.js"), 120)
        for edit in range(edits):
            new = f"Edited {edit} {name}"
            start = time.perf_counter()
            record.write_text(text.replace(f"  name: {name}\n", f"  name: {new}\n", 1), "utf-8")
            _wait(lambda n=new: n in _get(page), 30)
            worst = max(worst, time.perf_counter() - start)
            time.sleep(1.0)  # as a person would, before saving again
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
        record.write_text(text, encoding="utf-8")
    return worst


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")  # type: ignore[no-any-return]
    except OSError:
        return ""


def _wait(ready: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError("the preview did not show the change")
        time.sleep(0.05)


# --- the report ---------------------------------------------------------------------------


def judge(results: list[dict[str, Any]], minutes: float) -> list[str]:
    """Compare every figure with its target (issues 12 and 25) and return the report's
    tables."""
    table = [
        "| services | pages | check (cold) | clean build | per page | Hugo per page "
        "| ratio to Hugo | Material per page | ratio to Material | own steps "
        "| peak memory, largest process (generator; MkDocs, Pagefind) "
        "| peak memory, all its processes at once |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    steps = [
        "| services | " + " | ".join(results[0]["steps"]) + " |",
        "|---:|" + "---:|" * len(results[0]["steps"]),
    ]
    sizes = [
        "| services | site | search index | open data files (largest) | heaviest first "
        "visit (files) | home | directory | a service | an audience page |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    floor = [
        "| services | YAML parsing alone (libyaml) | descriptions' markdown alone "
        "(Python-Markdown) | both | check (cold) | stock Material per page, to Hugo's |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    changed = [
        "| services | cold check | warm check (no change) | check after a one-record edit "
        "| clean build | build after a one-record edit | the next build after another "
        "| identical to a clean build |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    by_size = {r["services"]: r for r in results}
    for r in results:
        n, pages, total = r["services"], r["pages"], r["total"]
        own = (
            sum(
                r["steps"].get(s, 0)
                for s in ("load", "validate", "model", "render", "write", "headers", "links")
            )
            / total
        )
        r["per_page_ms"] = total / pages * 1000
        hugo_ms, material_ms = r["hugo_s"] / pages * 1000, r["material_s"] / pages * 1000
        table.append(
            f"| {n:,} | {pages:,} | {r['check_s']:.1f} s | {total:.1f} s"
            f" | {r['per_page_ms']:.1f} ms | {hugo_ms:.2f} ms"
            f" | {r['per_page_ms'] / hugo_ms:.1f}x | {material_ms:.1f} ms"
            f" | {r['per_page_ms'] / material_ms:.2f}x | {own:.0%} | {r['peak_mb']:.0f} MB"
            f" ({r['own_peak_mb']:.0f}; {r['tools_peak_mb']:.0f}) | {r['together_mb']:.0f} MB |"
        )
        steps.append(
            f"| {n:,} | "
            + " | ".join(f"{v:.1f} s ({v / total:.0%})" for v in r["steps"].values())
            + " |"
        )
        v = r["visits"]
        sizes.append(
            f"| {n:,} | {r['site_mb']:.0f} MB | {r['search_mb']:.1f} MB | {r['feed_files']}"
            f" ({r['feed_largest_kb']:.0f} KB) | {r['heaviest'][0] / 1024:.1f} KB"
            f" ({r['heaviest'][1]}/) | {v['home']:.1f} KB | {v['directory']:.1f} KB"
            f" | {v['a service']:.1f} KB | {v['an audience page']:.1f} KB |"
        )
        r["own_share"] = own
        floor.append(
            f"| {n:,} | {r['parse_s']:.1f} s | {r['markdown_s']:.1f} s"
            f" | {r['parse_s'] + r['markdown_s']:.1f} s | {r['check_s']:.1f} s"
            f" | {material_ms / hugo_ms:.1f}x |"
        )
        if "build_edit_s" in r:
            changed.append(
                f"| {n:,} | {r['check_cold_s']:.1f} s | {r['check_warm_s']:.2f} s"
                f" | {r['check_edit_s']:.2f} s | {total:.1f} s | {r['build_edit_s']:.1f} s"
                f" | {r['build_next_s']:.1f} s | {_identical(r)} |"
            )
    big, mid = by_size[max(by_size)], by_size.get(1000)
    n = f"{big['services']:,}"
    for r in [by_size[s] for s in sorted({big["services"], 1000} & by_size.keys())]:
        at = f"{r['services']:,}"
        cold = r.get("check_cold_s", r["check_s"])
        verdict(f"check at {at} services, cold (no cache)", cold <= CHECK_S,
                f"{cold:.1f} s", f"≤ {CHECK_S:g} s")  # fmt: skip
        if "build_edit_s" not in r:
            continue
        verdict(f"check at {at} after a one-record edit", r["check_edit_s"] <= EDIT_CHECK_S,
                f"{r['check_edit_s']:.2f} s", f"≤ {EDIT_CHECK_S:g} s")  # fmt: skip
        verdict(f"build at {at} after a one-record edit", r["build_edit_s"] <= EDIT_BUILD_S,
                f"{r['build_edit_s']:.1f} s", f"≤ {EDIT_BUILD_S:g} s")  # fmt: skip
        verdict(f"build at {at} after an edit, to a clean build's site", r["build_edit_identical"],
                _identical(r), "identical, file by file")  # fmt: skip
    ratio = big["per_page_ms"] / (big["hugo_s"] / big["pages"] * 1000)
    verdict(
        f"build per page at {n}, to Hugo's",
        ratio <= HUGO_RATIO,
        f"{ratio:.1f}x",
        f"≤ {HUGO_RATIO:g}x",
    )
    ratio = big["per_page_ms"] / (big["material_s"] / big["pages"] * 1000)
    verdict(
        f"build per page at {n}, to stock Material's",
        ratio <= MATERIAL_RATIO,
        f"{ratio:.2f}x",
        f"≤ {MATERIAL_RATIO:g}x",
    )
    verdict(
        f"generator's own steps at {n}",
        big["own_share"] < OWN_SHARE,
        f"{big['own_share']:.0%}",
        f"< {OWN_SHARE:.0%}",
    )
    if mid:
        growth = big["per_page_ms"] / mid["per_page_ms"]
        verdict(
            f"per-page cost, {n} against 1,000",
            growth <= FLAT,
            f"{growth:.2f}x",
            f"≤ {FLAT:g}x (flat)",
        )
    peak = max(r["peak_mb"] for r in results)
    verdict("peak memory of a build, largest process", peak < PEAK_MB, f"{peak:.0f} MB", "< 1 GB")
    together = max(r["together_mb"] for r in results)
    verdict(
        "peak memory of a build, all its processes at once",
        together < PEAK_MB,
        f"{together:.0f} MB",
        "< 1 GB",
    )
    heaviest = big["heaviest"][0] / 1024
    verdict(
        f"heaviest first visit at {n} (files)",
        heaviest <= PAGE_KB,
        f"{heaviest:.1f} KB",
        f"≤ {PAGE_KB} KB",
    )
    for name, kb in big["visits"].items():
        verdict(
            f"first visit at {n}: {name} (Chromium)",
            kb <= PAGE_KB,
            f"{kb:.1f} KB",
            f"≤ {PAGE_KB} KB",
        )
    for words, kb in big.get("searches", {}).items():
        verdict(
            f"first search '{words}' at {n}", kb <= SEARCH_KB, f"{kb:.1f} KB", f"≤ {SEARCH_KB} KB"
        )
    for r in results:
        if "preview_s" in r:
            verdict(
                f"preview shows a saved change at {r['services']:,}",
                r["preview_s"] <= PREVIEW_S,
                f"{r['preview_s']:.2f} s",
                f"≤ {PREVIEW_S:g} s",
            )
        for page, scores in r.get("lighthouse", {}).items():
            if not scores:
                verdict(
                    f"Lighthouse at {r['services']:,}: {page}",
                    False,
                    "not run",
                    "lighthouse not installed",
                )
                continue
            if "error" in scores:
                verdict(f"Lighthouse at {r['services']:,}: {page}", False, "failed",
                        f"a score ({scores['error']})")  # fmt: skip
                continue
            for category, score in scores.items():
                want = 0.95 if category == "performance" else 1.0
                verdict(
                    f"Lighthouse at {r['services']:,}: {page}, {category}",
                    score is not None and score >= want,
                    f"{score}",
                    f"≥ {want:g}",
                )
    verdict("whole benchmark run", minutes < RUN_MIN, f"{minutes:.1f} min", f"< {RUN_MIN} min")
    return [
        "## Builds",
        "",
        *table,
        "",
        "## Only what changed: warm and cold",
        "",
        "`check` and `build` keep what they worked out in the project's `build/cache/`, and",
        "the next run reads again only the files that changed. A cold check is the first",
        "run, or one with `--no-cache` (nothing read or written there); a warm check has",
        "nothing changed since the last. A one-record edit changes one service's summary. The",
        "build after it starts from the clean build's site, and must make the very site a",
        "clean build (`--no-cache`) makes of the same data: the same files, byte for byte.",
        "The next build, after another edit, starts from the site the build before kept",
        "beside its own (`.site.spare`), as staff building again and again do; a build after",
        "a clean one, or in CI (whose host's cache restores the site as new files), has none.",
        "Its site too must be the clean build's.",
        "",
        *changed,
        "",
        "## Where a build's time goes",
        "",
        "Pagefind makes the search index from the generator's copies of the pages",
        "(`build/search/`: `write`), beside the rest of the build: the files made from the",
        "data that are no pages (the open data, feeds, filter data: `render`), the docs",
        "folder (`write`), the builder and the link check. Its column is how long the build",
        "still waits for it once they are done.",
        "",
        *steps,
        "",
        "## Sizes (first visits: gzip, as a static host serves them)",
        "",
        *sizes,
        "",
        "## Floors: what the libraries alone take",
        "",
        "`check` parses every data file and converts every markdown field before it can",
        "check anything, so it cannot take less than the first two columns together; and a",
        "build by MkDocs + Material cannot come nearer Hugo's time per page than stock",
        "Material with no generator at all (the last column). These are floors of the",
        "libraries the project is built on (PyYAML with libyaml, Python-Markdown, MkDocs +",
        "Material), measured in the same run.",
        "",
        *floor,
    ]


def _identical(r: dict[str, Any]) -> str:
    """Whether the builds after an edit made a clean build's site: yes, or no and where."""
    if r["build_edit_identical"]:
        return "yes"
    return "no (" + ", ".join(r.get("build_edit_differs", [])) + ")"


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory} GB memory, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def write_report(tables: list[str], started: datetime) -> None:
    versions = subprocess.run(
        [sys.executable, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True
    ).stdout
    wanted = ("mkdocs=", "mkdocs-material=", "pagefind=", "hugo=", "selectolax=", "PyYAML=")
    tools = ", ".join(v for v in versions.split() if v.startswith(wanted))
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            "Written by `make bench` (`bench/run.py`); do not edit by hand. Each figure is one",
            "run on the machine below; times vary by a few per cent between runs.",
            "",
            f"- **Date**: {started:%Y-%m-%d %H:%M} UTC",
            f"- **Machine**: {machine()}",
            f"- **Tools**: {tools}; Chromium at {_chromium_path()}; Lighthouse from npm",
            "- **Reproduce**: `make bench` from a fresh clone (it installs Lighthouse into",
            "  `build/bench/` with npm), or `python bench/run.py` in the project's `.venv`.",
            "- **Data**: `bench/synthetic.py` counties of "
            + ", ".join(f"{s:,}" for s in SIZES)
            + " services (one update per 20 services, a document per 50, a survey per 100).",
            "- **References**: the same number of plain pages (a title and a service's",
            "  description each) with a 16-entry menu like ours, built by stock MkDocs + Material",
            "  (its default plugins, search included) and by Hugo (`bench/reference.py`).",
            "- **Cold and warm**: `check` and `build` keep what they worked out in the project's",
            "  `build/cache/`. A cold check reads and writes none of it (`--no-cache`); the clean",
            "  build starts with none and no site. A warm check follows one with nothing",
            "  changed; the one-record figures follow an edit of one service's summary, and the",
            "  build after it reuses the clean build's site. That site is compared, file by",
            "  file and byte for byte, with a clean build's of the same data.",
            "",
            "## Targets",
            "",
            "| measure | result | target | |",
            "|---|---:|---|---|",
            *lines,
            "",
            *tables,
            "",
        ]
    )
    (ROOT / "BENCHMARKS.md").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Speed and size figures; writes BENCHMARKS.md")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--json",
        type=Path,
        help="only build the counties (no sample, preview, Lighthouse or searches) and write "
        "their figures to this file instead of BENCHMARKS.md (the tests' small run)",
    )
    args = parser.parse_args(argv)
    started, clock = datetime.now(UTC), time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if args.json:
            results = [county(tmp, n) for n in args.sizes]
            args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
            return 0
        sample(tmp)
        vocabularies(tmp)
        results = []
        for n in args.sizes:
            print(f"-- {n:,} services", flush=True)
            results.append(
                county(
                    tmp, n, preview=n == 1000, lighthouse=n == 1000, searches=n == max(args.sizes)
                )
            )
    tables = judge(results, (time.perf_counter() - clock) / 60)
    write_report(tables, started)
    print("\n".join(tables))
    # How the site looks, for a person to see (``make screenshots``): into build/screenshots/.
    print("-- screenshots, for a person to look at, in build/screenshots/:", flush=True)
    screenshots.main([])
    if missed:
        print(f"missed: {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
