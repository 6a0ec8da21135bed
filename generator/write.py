"""Stage 4: make the docs folder hold exactly the rendered pages.

Only files whose bytes changed are written, so ``mkdocs serve`` (which watches the docs
folder) is not sent into a rebuild loop, and a record deleted from YAML loses its page
because anything not rendered this time is removed. Nothing is written or deleted outside
the docs folder, and only one build or preview of a project writes at a time.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import BuildError

#: Set by ``build`` to the docs folder it has just generated, so the MkDocs plugin in the
#: builder it starts does not load, validate and render everything a second time.
PAGES_READY = "LOCAL_OFFER_PAGES_READY"

#: Kept in the docs folder so the folder exists in a fresh clone (MkDocs requires it).
KEEP = {".gitkeep"}

DOCS_DIR = Path("build") / "docs"  # as in mkdocs.yml


def refuse_links(root: Path, *names: str) -> None:
    """Refuse to work through folders of the project that are links.

    A link named ``site`` or ``build`` pointing at ``..`` would turn "replace the site" into
    "delete the project's parent"; a linked ``data`` or ``theme`` would publish or read
    whatever it points at.
    """
    for name in names:
        path = root / name
        if path.is_symlink():
            raise BuildError(
                f"{name}/ is a link to {os.readlink(path)}; the build only writes into real "
                f"folders of the project. Remove the link (a real {name}/ folder is made)."
            )


def refuse_links_inside(root: Path, name: str) -> None:
    """Refuse links anywhere inside the project's folder ``name`` (``theme/``): the builder
    copies its files into the site, so a link there could publish any file of the machine."""
    for folder, dirs, files in os.walk(root / name):
        for entry in [*dirs, *files]:
            path = Path(folder) / entry
            if path.is_symlink():
                rel = path.relative_to(root).as_posix()
                raise BuildError(f"{rel} is a link; put the file itself in {name}/")


def sync_folder(pages: dict[str, bytes], out: Path) -> None:
    """Write changed pages into ``out`` and delete the rest."""
    out.mkdir(parents=True, exist_ok=True)
    for name, data in pages.items():
        target = out / name
        if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    for path in sorted(out.rglob("*"), reverse=True):  # children before their folders
        rel = path.relative_to(out).as_posix()
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif rel not in pages and rel not in KEEP:
            path.unlink()


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold the project's build lock, or stop at once if another build holds it.

    Two builds at once would share ``build/docs`` and clear each other's staging folders.
    The lock is an ``flock`` on ``build/.lock``: the system releases it when its holder
    ends, even when killed, so a killed build never leaves the project locked.
    """
    refuse_links(root, "build")
    folder = root / "build"
    folder.mkdir(exist_ok=True)
    handle = open(folder / ".lock", "a+")  # noqa: SIM115 (held for the whole block)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            raise BuildError(
                "another build or preview of this project is running; wait for it to "
                "finish (or stop it), then try again"
            ) from None
        yield
    finally:
        handle.close()


def write_pages(pages: dict[str, bytes], out: Path, root: Path) -> Path:
    """Make ``out`` hold exactly ``pages``; the caller holds ``project_lock``."""
    refuse_links(root, "build", "build/docs")
    sync_folder(pages, out)
    return out
