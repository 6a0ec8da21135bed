"""Stage 5: build the site with a builder, replacing ``site/`` only after a complete build.

The builder writes into a fresh folder beside ``site/``; only when it has finished without
a single warning is that folder swapped in. A build that fails, or is killed midway,
leaves the published ``site/`` as it was, and the next build clears any leftovers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from .today import today_from_env
from .write import generate

BUILDERS = ("mkdocs", "properdocs", "zensical")


class BuildError(Exception):
    """The builder failed or warned; the message is what it said."""


def build_site(
    root: Path, site_dir: Path | None = None, today: date | None = None, builder: str = "mkdocs"
) -> Path:
    """Generate the pages and build them into ``site_dir`` (default ``root/site``)."""
    root = root.resolve()
    today = today or today_from_env()
    site_dir = (site_dir or root / "site").resolve()
    generate(root, today)  # raises DataError before anything is built
    _recover(site_dir)
    staging = site_dir.parent / f".{site_dir.name}.building-{os.getpid()}"
    try:
        _run_builder(builder, root, staging, today)
        _swap(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return site_dir


def _run_builder(builder: str, root: Path, out: Path, today: date) -> None:
    if builder not in BUILDERS:
        raise BuildError(f"unknown builder '{builder}'; choose one of {', '.join(BUILDERS)}")
    env = {
        **os.environ,
        "LOCAL_OFFER_TODAY": today.isoformat(),
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        "NO_COLOR": "1",
    }
    config = root / "mkdocs.yml"
    command = [sys.executable, "-m", builder, "build", "--strict", "-f", str(config)]
    command += ["-d", str(out)]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0 or not (out / "index.html").is_file():
        said = [
            line
            for line in (result.stderr + result.stdout).splitlines()
            if line.startswith(("ERROR", "WARNING", "Error", "Aborted")) or "Error" in line
        ]
        detail = "\n".join(said[-30:]) or (result.stderr + result.stdout)[-3000:]
        raise BuildError(f"{builder} build failed (exit {result.returncode}):\n{detail}")


def _swap(new: Path, site_dir: Path) -> None:
    """Put ``new`` in place of ``site_dir``; the old site exists until the last moment."""
    old = site_dir.parent / f".{site_dir.name}.old-{os.getpid()}"
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(new, site_dir)
    shutil.rmtree(old, ignore_errors=True)


def _recover(site_dir: Path) -> None:
    """Clear what a killed build left behind, restoring the old site if it was mid-swap."""
    leftovers = sorted(site_dir.parent.glob(f".{site_dir.name}.old-*"))
    if leftovers and not site_dir.exists():
        os.replace(leftovers.pop(), site_dir)
    for path in [*leftovers, *site_dir.parent.glob(f".{site_dir.name}.building-*")]:
        shutil.rmtree(path, ignore_errors=True)
