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
from .validate import Project, load_project

#: Kept in the docs folder so the folder exists in a fresh clone (MkDocs requires it).
KEEP = {".gitkeep"}


def sync_folder(pages: dict[str, bytes], out: Path) -> int:
    """Write changed pages into ``out`` and delete the rest; return how many were written."""
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for name, data in pages.items():
        target = out / name
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written += 1
    for path in sorted(out.rglob("*"), reverse=True):  # children before their folders
        rel = path.relative_to(out).as_posix()
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif rel not in pages and rel not in KEEP:
            path.unlink()
    return written


def generate(root: Path, today: date, docs_dir: Path | None = None) -> Project:
    """Load, validate, render and write the whole site's pages; raise ``DataError`` early."""
    project = load_project(root)
    pages = render_site(project, today, environment(root))
    sync_folder(pages, docs_dir or root / "build" / "docs")
    return project
