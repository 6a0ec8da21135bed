"""The whole pipeline in one function: load → validate → model → render → write → build.

``check`` is the same pipeline stopped before anything is written, so a ``check`` that
passes means a ``build`` that passes, for anything but the builder itself. The command
line (``cli``) and the MkDocs plugin (``plugin``) only call ``run``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from .build import build_with, safe_site_dir
from .cache import load_memo, save_memo
from .errors import BuildError, DataError, Problem
from .load import load_all
from .memo import Memo, no_cycle_collection
from .model import SiteModel, build_model
from .render import data_files, environment, render_site
from .routes import builder_config
from .schema import SCHEMAS_DIR, out_of_date, write_schemas
from .search import search_copies
from .today import today_from_env
from .validate import Project, validate, warnings
from .write import (
    DOCS_DIR,
    project_lock,
    refuse_links,
    refuse_unsafe_folder,
    write_pages,
    write_search_copies,
)

Step = Literal["check", "generate", "build"]


@dataclass
class Outcome:
    """What a run made: the project, its pages, its warnings, and where they went."""

    project: Project
    site: SiteModel
    pages: dict[str, bytes]
    warnings: list[Problem]
    docs_dir: Path | None = None
    site_dir: Path | None = None


def run(
    root: Path,
    today: date | None = None,
    *,
    until: Step = "build",
    builder: str = "mkdocs",
    docs_dir: Path | None = None,
    site_dir: Path | None = None,
    memo: Memo | None = None,
    cache: bool = False,
    pages: bool = True,
    one_shot: bool = False,
) -> Outcome:
    """Run the pipeline ``until`` a step; raise ``DataError`` or ``BuildError`` on failure.

    Nothing is written before every record is valid and every page rendered, and the
    published site folder is replaced only by a complete, strict, link-checked build.
    ``memo`` holds what the run remembers (``memo.Memo``): a new one, dropped at the end,
    unless a preview gives the one it keeps; with ``cache``, the one the project's last run
    left in ``build/cache/`` (``cache``), kept there again for the next. A ``check`` with
    ``pages=False`` only looks for problems: its outcome holds no pages. ``one_shot``: the
    process ends soon after (the command line's), so what the run made is never scanned
    for cycles again (``memo.no_cycle_collection``).
    """
    root = root.resolve()
    if cache and memo is None:
        memo = load_memo(root, bodies=pages or until != "check")
    memo = memo or Memo()
    used_sets = (memo.used_parsed, memo.used_html, memo.used_bodies, memo.used_rendered)
    for used in (*used_sets, memo.used_held):
        used.clear()  # what this run uses is what a cache keeps
    memo.want_pages = pages or until != "check"
    settled = not cache  # whether the memo is kept, or is not to be

    def keep_memo() -> None:
        """Keep the memo in the cache, once: when the run ends, or sooner (a build keeps it
        while the old site is removed)."""
        nonlocal settled
        if not settled:
            settled = True
            # A cache that cannot be kept (a full disk; a link in build/cache/, refused, not
            # written through) only makes the next run cold: a build's site is in place.
            with suppress(OSError, BuildError):
                save_memo(root, memo)

    try:
        return _run(
            root, today, until, builder, docs_dir, site_dir, memo, cache, keep_memo, one_shot
        )  # fmt: skip
    except DataError:
        raise  # what was parsed and converted before the problems were found is kept
    except BaseException:
        settled = True  # interrupted midway: the last cache stays as it was (unless kept)
        raise
    finally:
        keep_memo()


def _run(
    root: Path,
    today: date | None,
    until: Step,
    builder: str,
    docs_dir: Path | None,
    site_dir: Path | None,
    memo: Memo,
    incremental: bool,
    keep_memo: Callable[[], None],
    one_shot: bool,
) -> Outcome:
    """``run``, with the memo it uses; ``incremental``: a build from the last one;
    ``keep_memo`` keeps the memo in the cache (if it is to be kept) once every page is made;
    ``one_shot`` as ``run``'s."""
    today = today or today_from_env()
    # Folders read or written besides data/ and content/ (load checks those): never a link,
    # never holding one, never a file, so nothing is read or written through one.
    refuse_links(root, "build")
    for folder in ("theme", SCHEMAS_DIR):
        refuse_unsafe_folder(root, folder)
    docs = docs_dir or root / DOCS_DIR
    refuse_unsafe_folder(docs.parent, docs.name)
    if until == "build":  # refuse an unsafe site folder before doing any work
        refuse_links(root, "site")
        site_dir = safe_site_dir(root, site_dir)
    with no_cycle_collection(freeze=one_shot):
        project = validate(load_all(root, memo=memo), memo)  # load, validate: every problem at once
        site = build_model(project, today)  # the records as the site shows them today
        env = environment(root)
        zensical, later = builder == "zensical", until == "build"  # later: ``data_files``
        pages = render_site(site, env, zensical=zensical, memo=memo, data=not later)
    outcome = Outcome(project, site, pages, warnings(project, today))
    if until == "check":
        outcome.warnings += out_of_date(root, project.vocabularies)  # the editor's schemas
        return outcome
    with project_lock(root):  # one build or preview of a project writes at a time
        write_schemas(root, project.vocabularies)  # for the editor: term ids as they are now
        if until == "generate":
            outcome.docs_dir = write_pages(pages, docs, root)
            return outcome
        assert site_dir is not None
        searched = write_search_copies(search_copies(pages), root)  # indexed as it is built

        def write_docs() -> Path:
            """The docs folder, written while search indexes the pages: with the files
            made from the data that are no pages (``data_files``), made meanwhile too."""
            pages.update(data_files(site))
            outcome.docs_dir = write_pages(pages, docs, root)
            return outcome.docs_dir

        outcome.site_dir = build_with(
            builder,
            root,
            write_docs,
            searched,
            site_dir,
            today,
            builder_config(site),
            pages if incremental else None,  # with the cache: only what changed is built
            keep_memo,
        )
    return outcome


def check(root: Path, today: date | None = None) -> Outcome:
    """Load, validate, model and render; write nothing."""
    return run(root, today, until="check")


def generate(
    root: Path, today: date | None = None, docs_dir: Path | None = None, builder: str = "mkdocs"
) -> Outcome:
    """Everything up to writing the pages into the docs folder."""
    return run(root, today, until="generate", docs_dir=docs_dir, builder=builder)


def build_site(
    root: Path, site_dir: Path | None = None, today: date | None = None, builder: str = "mkdocs"
) -> Path:
    """The whole pipeline; returns the site folder it replaced."""
    outcome = run(root, today, builder=builder, site_dir=site_dir)
    assert outcome.site_dir is not None
    return outcome.site_dir
