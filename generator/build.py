"""Stage 6: build the site with a builder, replacing ``site/`` only after a complete build.

The builder writes into a fresh folder beside ``site/``; only when it has finished without
a single warning, every internal link resolves and no page holds an inline script is that
folder swapped in. A build that fails, or is killed midway, leaves the published ``site/``
as it was, and the next build clears any leftovers. One build of a project runs at a time
(``write.project_lock``), and the build writes and deletes only its site folder, its
staging folders beside it and ``build/``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import yaml

from .errors import BuildError, printable
from .headers import write_headers
from .links import broken_links
from .mend import mend_site
from .search import index_site, reported_os_error
from .write import PAGES_READY

BUILDERS = ("mkdocs", "properdocs", "zensical")
__all__ = ["BUILDERS", "BuildError", "build_with", "safe_site_dir"]

#: Folders and files of a project that a site folder may never be, or be inside.
SOURCES = {
    ".ci", ".git", ".venv", "bench", "build", "content", "data", "generator", "tests",
    "theme", "mkdocs.yml", "pyproject.toml", "README.md", "Makefile",
}  # fmt: skip


def build_with(
    builder: str,
    root: Path,
    docs: Path,
    site_dir: Path,
    today: date,
    settings: dict[str, object],
) -> Path:
    """Build ``docs`` with ``builder``, index it for search, and put the result in place
    of ``site_dir``.

    The caller holds the project's lock and has checked ``site_dir`` (``safe_site_dir``).
    """
    staging = site_dir.parent / f".{site_dir.name}.building-{os.getpid()}"
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        _recover(root, site_dir)
        try:
            staging.mkdir()  # here, so a folder that cannot be written stops the build at once
            _run_builder(builder, root, staging, today, docs, settings)
            if builder == "zensical":  # runs no plugin, so nothing has mended its pages
                mend_site(staging, theme="zensical")  # its copy of Material
            write_headers(staging)
            broken = broken_links(staging)
            if broken:
                shown = "\n".join(broken[:30]) + (
                    f"\n… and {len(broken) - 30} more" if len(broken) > 30 else ""
                )
                raise BuildError(f"{len(broken)} problem(s) in the built site:\n{shown}")
            index_site(staging)
            _swap(staging, site_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:  # a full disk, a read-only folder: the environment, not the data
        raise BuildError(cannot_write(exc, _folder(exc, root, site_dir))) from None
    return site_dir


def cannot_write(exc: OSError, folder: Path | str | None) -> str:
    """The one line that reports a fault of the environment: ``cannot write FOLDER: what``
    (the folder's name shown as messages show names: ``errors.printable``)."""
    where = f" {printable(str(folder))}" if folder else ""
    return f"cannot write{where}: {exc.strerror or printable(str(exc))}"


def folder_of(path: Path | str) -> Path:
    """The folder a fault at ``path`` is in: ``path`` if it is a folder, else its parent (a
    file that could not be made, or written to the end)."""
    path = Path(path)
    return path if path.is_dir() else path.parent


def _folder(exc: OSError, root: Path, site_dir: Path) -> Path:
    """The folder to name for a fault met while building ``site_dir``.

    The build writes its staging folders beside the site (``.site.building-…``, names
    nobody chose), so a fault in one, or one with no path (a builder's "[Errno 28] No space
    left on device"), names the folder that holds the site; one in ``build/`` names that.
    """
    beside = site_dir.parent
    for name in (exc.filename2, exc.filename):  # a copy's or a move's destination first
        if not isinstance(name, str) or not name:
            continue
        path = Path(os.path.normpath(root / name))  # (a builder's paths are from the root)
        first = (*path.parts[len(beside.parts) :], "")[0] if path.is_relative_to(beside) else ""
        if first.startswith(f".{site_dir.name}.") or path.is_relative_to(site_dir):
            return beside
        if path.is_relative_to(root / "build"):
            return root / "build"
        return folder_of(path)
    return beside


def safe_site_dir(root: Path, site_dir: Path | None) -> Path:
    """``site_dir`` as an absolute path, if the build may replace it; else ``BuildError``.

    The build deletes the old site when it swaps in the new one, so the folder must not be
    a link, the project, one of its parents or sources, or a folder that holds something
    other than a site this generator built (``index.html`` and ``_headers``).
    """
    given = Path(os.path.abspath(site_dir or root / "site"))
    if given.is_symlink():
        raise BuildError(f"the site folder {printable(str(given))} is a link; give a real folder")
    target = given.resolve()
    named = printable(str(target))  # as messages show names
    if root.is_relative_to(target):
        raise BuildError(f"the site folder {named} holds the project itself; give another")
    if target.is_relative_to(root):
        first = target.relative_to(root).parts[0]
        if first in SOURCES:
            raise BuildError(
                f"the site folder {named} is inside the project's {first}; "
                "give a folder of its own, such as site/"
            )
    if target.exists():
        if not target.is_dir():
            raise BuildError(f"the site folder {named} is a file; give a folder")
        ours = (target / "index.html").is_file() and (target / "_headers").is_file()
        if not ours and any(target.iterdir()):
            raise BuildError(
                f"the site folder {named} already holds files that are not a site built "
                "here; give an empty or new folder, so nothing else is deleted"
            )
    return target


def _run_builder(
    builder: str, root: Path, out: Path, today: date, docs: Path, settings: dict[str, object]
) -> None:
    """Run ``builder`` in strict mode so that it writes the site into ``out``.

    Every builder gets a throwaway config beside ``mkdocs.yml`` that inherits it and adds
    what comes from the data (the site's name and address, the navigation). MkDocs and
    ProperDocs take ``-d``; Zensical has no such option and only writes inside the project,
    so its config sets ``site_dir`` to a folder under ``build/``, which is then moved to
    ``out``. A builder that stops on a fault of the environment (its traceback or log says
    ``[Errno 28] No space left on device``) raises that ``OSError``, for one line.
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
    config = root / f".local-offer-{os.getpid()}.yml"
    command = [sys.executable, "-m", builder, "build", "--strict", "-f", str(config)]
    inside = None
    settings = {"INHERIT": "mkdocs.yml", **settings}
    if builder == "zensical":
        inside = root / "build" / f"zensical-site-{os.getpid()}"
        settings["site_dir"] = inside.relative_to(root).as_posix()
    else:
        command += ["-d", str(out)]
    _write_new(config, _yaml(settings))
    try:
        result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
        if inside is not None and result.returncode == 0:
            out.rmdir()  # the empty staging folder made for it: moved into, not replaced
            shutil.move(inside, out)
    finally:
        config.unlink(missing_ok=True)
        if inside is not None:
            shutil.rmtree(inside, ignore_errors=True)
    if result.returncode != 0 or not (out / "index.html").is_file():
        fault = reported_os_error(result.stderr + result.stdout)
        if fault is not None:  # the environment's, not the data's: one line, not a traceback
            raise fault
        said = [
            line
            for line in (result.stderr + result.stdout).splitlines()
            if line.startswith(("ERROR", "WARNING", "Error", "Aborted", "RuntimeError"))
        ]
        detail = "\n".join(said[-30:]) or (result.stderr + result.stdout)[-3000:]
        raise BuildError(f"{builder} build failed (exit {result.returncode}):\n{detail}")


def _yaml(settings: dict[str, object]) -> bytes:
    """The builder's settings as YAML that reads back as the same text, whatever it holds.

    PyYAML's emitter writes characters beyond the BMP (emoji) as themselves, never as the
    surrogate pairs of ASCII-escaped JSON, which a YAML reader turns into two lone halves.
    """
    text = yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, width=2**31)
    return text.encode("utf-8")


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a file that must not exist yet: never through a link or over a
    file someone put there (the name is predictable)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(path, flags, 0o644)
    with os.fdopen(handle, "wb") as out:
        out.write(data)


def _swap(new: Path, site_dir: Path) -> None:
    """Put ``new`` in place of ``site_dir``; the old site exists until the last moment."""
    old = site_dir.parent / f".{site_dir.name}.old-{os.getpid()}"
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(new, site_dir)
    shutil.rmtree(old, ignore_errors=True)


def _recover(root: Path, site_dir: Path) -> None:
    """Clear what a killed build left behind, restoring the old site if it was mid-swap.

    Safe because the caller holds the project's lock: no other build is running.
    """
    leftovers = sorted(site_dir.parent.glob(f".{site_dir.name}.old-*"))
    if leftovers and not site_dir.exists():
        os.replace(leftovers.pop(), site_dir)
    for path in [
        *leftovers,
        *site_dir.parent.glob(f".{site_dir.name}.building-*"),
        *(root / "build").glob("zensical-site-*"),
    ]:
        if path.is_symlink():  # removed as itself: nothing is deleted through a link
            path.unlink()
        else:
            shutil.rmtree(path, ignore_errors=True)
    for path in [*root.glob(".local-offer-*.yml"), *root.glob(".zensical-*.yml")]:
        path.unlink(missing_ok=True)
