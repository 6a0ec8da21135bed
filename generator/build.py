"""Stage 5: build the site with a builder, replacing ``site/`` only after a complete build.

The builder writes into a fresh folder beside ``site/``; only when it has finished without
a single warning is that folder swapped in. A build that fails, or is killed midway,
leaves the published ``site/`` as it was, and the next build clears any leftovers.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

from .headers import write_headers
from .links import broken_links
from .today import today_from_env
from .write import PAGES_READY, generate

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
    docs = generate(root, today)  # raises DataError before anything is built
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _recover(root, site_dir)
    staging = site_dir.parent / f".{site_dir.name}.building-{os.getpid()}"
    try:
        _run_builder(builder, root, staging, today, docs)
        write_headers(staging)
        broken = broken_links(staging)
        if broken:
            shown = "\n".join(broken[:30]) + (
                f"\n… and {len(broken) - 30} more" if len(broken) > 30 else ""
            )
            raise BuildError(f"{len(broken)} broken link(s) in the built site:\n{shown}")
        _swap(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return site_dir


def _run_builder(builder: str, root: Path, out: Path, today: date, docs: Path) -> None:
    """Run ``builder`` in strict mode so that it writes the site into ``out``.

    MkDocs and ProperDocs take ``-d``. Zensical has no such option and only writes inside
    the project, so it gets a throwaway config that inherits ``mkdocs.yml`` and sets
    ``site_dir`` to a folder under ``build/``, which is then moved to ``out``.
    """
    if builder not in BUILDERS:
        raise BuildError(f"unknown builder '{builder}'; choose one of {', '.join(BUILDERS)}")
    if importlib.util.find_spec(builder) is None:
        hint = "pip install -e '.[builders]'" if builder != "mkdocs" else "pip install -e ."
        raise BuildError(f"{builder} is not installed here; install it with: {hint}")
    env = {
        **os.environ,
        "LOCAL_OFFER_TODAY": today.isoformat(),
        PAGES_READY: str(docs.resolve()),
        "SOURCE_DATE_EPOCH": str(int(datetime.combine(today, time(), UTC).timestamp())),
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        "NO_COLOR": "1",
    }
    command = [sys.executable, "-m", builder, "build", "--strict"]
    config = root / "mkdocs.yml"
    inside = None
    if builder == "zensical":
        inside = root / "build" / f"zensical-site-{os.getpid()}"
        config = root / f".zensical-{os.getpid()}.yml"
        rel = inside.relative_to(root).as_posix()
        config.write_text(f"INHERIT: mkdocs.yml\nsite_dir: {rel}\n", encoding="utf-8")
        command += ["-f", str(config)]
    else:
        command += ["-f", str(config), "-d", str(out)]
    try:
        result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
        if inside is not None and result.returncode == 0:
            shutil.move(inside, out)
    finally:
        if inside is not None:
            config.unlink(missing_ok=True)
            shutil.rmtree(inside, ignore_errors=True)
    if result.returncode != 0 or not (out / "index.html").is_file():
        said = [
            line
            for line in (result.stderr + result.stdout).splitlines()
            if line.startswith(("ERROR", "WARNING", "Error", "Aborted", "RuntimeError"))
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


def _recover(root: Path, site_dir: Path) -> None:
    """Clear what a killed build left behind, restoring the old site if it was mid-swap."""
    leftovers = sorted(site_dir.parent.glob(f".{site_dir.name}.old-*"))
    if leftovers and not site_dir.exists():
        os.replace(leftovers.pop(), site_dir)
    for path in [
        *leftovers,
        *site_dir.parent.glob(f".{site_dir.name}.building-*"),
        *(root / "build").glob("zensical-site-*"),
    ]:
        shutil.rmtree(path, ignore_errors=True)
    for path in root.glob(".zensical-*.yml"):
        path.unlink(missing_ok=True)
