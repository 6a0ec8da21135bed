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
import shutil
import stat
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
#: The pages as search indexes them (``search.search_copies``), kept for the next build.
SEARCH_DIR = Path("build") / "search"


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
    folders = [str(root / name)]
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
                folders.append(entry.path)  # text, not a Path: thousands of folders


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
    """Write changed pages into ``out`` and delete the rest.

    Plain ``os`` calls on text paths, each folder made once: at a county's size the folder
    holds 17,000 files, and ``pathlib``'s objects, with a ``mkdir`` for every file, took
    most of its time.
    """
    out.mkdir(parents=True, exist_ok=True)
    base = str(out)
    folders = {base}  # known to exist
    for name, data in pages.items():
        path = os.path.join(base, name)
        if _holds(path, data):
            continue
        folder = os.path.dirname(path)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        tmp = Path(folder, f".{os.path.basename(path)}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)  # a link there is replaced, never written through
    _prune(base, "", set(pages) | KEEP)


def _holds(path: str, data: bytes) -> bool:
    """Whether ``path`` is a file (not a link) holding exactly ``data``."""
    try:
        found = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(found.st_mode) or found.st_size != len(data):
        return False
    with open(path, "rb") as held:
        return held.read() == data


def _prune(folder: str, prefix: str, keep: set[str]) -> bool:
    """Delete what is under ``folder`` (``prefix`` its path in the synced folder) that
    ``keep`` does not name, and the folders that leaves empty; whether it is empty now."""
    empty = True
    with os.scandir(folder) as found:
        entries = list(found)
    for entry in entries:
        rel = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            if _prune(entry.path, rel + "/", keep):
                os.rmdir(entry.path)
            else:
                empty = False
        elif rel in keep:
            empty = False
        else:
            os.unlink(entry.path)  # a link is removed as itself
    return empty


def write_search_copies(copies: dict[str, bytes], root: Path) -> Path:
    """Make ``build/search`` hold exactly ``copies``; the caller holds ``project_lock``.

    Nothing in the folder is anyone's work, and no command reads it but a build, which
    makes it again from the pages: so a folder that is not plainly the generator's (a link,
    a file, or one holding a link) is not refused but removed, never followed, and written
    afresh.
    """
    refuse_links(root, "build")
    folder = root / SEARCH_DIR
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        folder.unlink()
    try:
        refuse_links_inside(root, SEARCH_DIR.as_posix())
    except BuildError:
        shutil.rmtree(folder)  # removes the links inside, not what they point at
    sync_folder(copies, folder)
    return folder


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
