"""The benchmark cannot rot: a small run of its data generator, build and references.

``make bench`` measures counties of 100 to 5,000 services and is never part of the tests;
this runs the same code (``bench/run.py --json``) on 40 services and asserts what it
measured as sizes and counts, never as times.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_small_county_is_generated_built_and_measured(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "40", "--json", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (figures,) = json.loads(out.read_text())
    assert figures["services"] == 40
    # a page per service, per update (the sample's 4 and 2 generated), and the fixed pages
    assert figures["pages"] >= 40 + 6 + 15
    # the references built as many plain pages as the site has
    assert figures["hugo_pages"] == figures["pages"]
    assert figures["material_pages"] == figures["pages"]
    assert set(figures["steps"]) == {"load", "validate", "model", "render", "write", "builder",
                                     "headers", "links", "search index"}  # fmt: skip
    assert 20 < figures["peak_mb"] < 1024
    # the builder and the search indexer run at once: together, more than either alone
    assert figures["peak_mb"] < figures["together_mb"] < 3 * 1024
    assert figures["feed_files"] == 1 and figures["search_mb"] > 0
    heaviest_bytes, _ = figures["heaviest"]
    assert 20 * 1024 < heaviest_bytes <= 100 * 1024
    assert set(figures["visits"]) == {"home", "directory", "a service", "an audience page"}
    assert all(20 < kb <= 100 for kb in figures["visits"].values()), figures["visits"]
    # both builds after an edit were made (the second from the spare the first kept), and
    # each made the clean build's site
    assert {"build_edit_s", "build_next_s"} <= set(figures)
    assert figures["build_edit_identical"] is True
