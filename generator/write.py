"""Stage 4: make the docs folder hold exactly the rendered pages.

Only files whose bytes changed are written, so ``mkdocs serve`` (which watches the docs
folder) is not sent into a rebuild loop, and a record deleted from YAML loses its page
because anything not rendered this time is removed.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from .render import environment, render_site
from .validate import load_project

#: Set by ``build`` to the docs folder it has just generated, so the MkDocs plugin in the
#: builder it starts does not load, validate and render everything a second time.
PAGES_READY = "LOCAL_OFFER_PAGES_READY"

#: Kept in the docs folder so the folder exists in a fresh clone (MkDocs requires it).
KEEP = {".gitkeep"}


def sync_folder(pages: dict[str, bytes], out: Path) -> None:
    """Write changed pages into ``out`` and delete the rest."""
    out.mkdir(parents=True, exist_ok=True)
    for name, data in pages.items():
        target = out / name
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    for path in sorted(out.rglob("*"), reverse=True):  # children before their folders
        rel = path.relative_to(out).as_posix()
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif rel not in pages and rel not in KEEP:
            path.unlink()


DOCS_DIR = Path("build") / "docs"  # as in mkdocs.yml


def generate(root: Path, today: date, docs_dir: Path | None = None) -> Path:
    """Load, validate, render and write the whole site's pages; raise ``DataError`` early.

    Returns the docs folder written.
    """
    project = load_project(root)
    pages = render_site(project, today, environment(root))
    out = docs_dir or root / DOCS_DIR
    sync_folder(pages, out)
    return out
