"""The site's scripts' own logic (filter state in the address, lists intersected, which
ids a list keeps, shared list addresses), unit-tested by Node's built-in runner beside
the browser tests: ``node --test tests/js/``, given the generator's facts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

from generator import search

from .conftest import ROOT


def test_the_scripts_unit_tests_pass() -> None:
    node = shutil.which("node")
    assert node, "node is needed (.ci/run installs npm, which brings it)"
    done = subprocess.run(
        [node, "--test", "tests/js/"],
        cwd=ROOT,
        env={**os.environ, "LO_FACTS": json.dumps(search.facts())},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout and "# pass 0" not in done.stdout, done.stdout[-2000:]
