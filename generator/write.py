"""Stage 5: make the docs folder hold exactly the rendered pages.

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

from .errors import BuildError, printable

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
                f"{name}/ is a link to {printable(os.readlink(path))}; the build only writes "
                f"into real folders of the project. Remove the link (a real {name}/ folder is "
                "made)."
            )


def refuse_links_inside(root: Path, name: str) -> None:
    """Refuse links anywhere inside the project's folder ``name``: the builder copies the
    files of ``theme/`` into the site, so a link there could publish any file of the
    machine, and the generator writes into ``schemas/`` and ``build/docs/``, so a link
    there would have it write over whatever the link points at."""
    folders = [root / name]
    while folders:  # scandir knows a link from the directory entry, with no stat a file
        try:
            with os.scandir(folders.pop()) as found:
                entries = list(found)
        except OSError:
            continue  # not there (yet), or unreadable: skipped, as os.walk skips it
        for entry in entries:
            if entry.is_symlink():
                rel = printable(Path(entry.path).relative_to(root).as_posix())
                raise BuildError(f"{rel} is a link; put the file itself in {name}/")
            if entry.is_dir(follow_symlinks=False):
                folders.append(Path(entry.path))


def refuse_unsafe_folder(root: Path, name: str) -> None:
    """Refuse a folder the generator writes into or reads from (``schemas/``, ``theme/``,
    ``build/docs/``) that is a link, holds a link, or is a file: every command, ``check``
    included, so that a ``check`` that passes means a ``build`` that passes."""
    refuse_links(root, name)
    path = root / name
    if path.exists() and not path.is_dir():
        raise BuildError(
            f"{name} is a file, where the generator keeps a folder; move it away so that "
            f"the folder {name}/ can be made"
        )
    refuse_links_inside(root, name)


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
    # Never through a link: the lock file is opened, and created if need be, as itself.
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(folder / ".lock", flags, 0o644)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        raise BuildError("build/.lock is a link; remove it (a plain file is made)") from None
    handle = os.fdopen(descriptor, "a+")
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
