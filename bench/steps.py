"""Build one project strictly and print, as JSON, how long each step took and the memory used.

    python bench/steps.py PROJECT_DIR SITE_DIR

A clean build: the project's cache (``PROJECT_DIR/build/cache/``) is emptied first, and
``SITE_DIR`` should not exist yet, so nothing is reused; the build fills the cache, as any
build does, for ``bench/run.py`` to time the builds after an edit against.

Run by ``bench/run.py`` in a process of its own, so that its peak memory (this process and
the builder it starts) belongs to this build alone. The steps are the pipeline's functions,
timed where ``generator.pipeline`` and ``generator.build`` call them: the generator's own
(load, validate, model, render, write, headers, links) and the two tools it runs (the
builder, MkDocs; the search indexer, Pagefind, which runs beside the builder: the time the
build waits for it afterwards).
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import generator.build as build  # noqa: E402
import generator.pipeline as pipeline  # noqa: E402
import generator.search as search  # noqa: E402

TODAY = date(2026, 11, 23)
#: Where each timed step is called from, and the name it is shown under.
STEPS: dict[str, list[tuple[Any, str]]] = {
    "load": [(pipeline, "load_all")],
    "validate": [(pipeline, "validate")],
    "model": [(pipeline, "build_model")],
    "render": [(pipeline, "render_site"), (pipeline, "data_files")],
    "write": [(pipeline, "write_pages"), (pipeline, "write_search_copies")],
    "builder": [(build, "_run_builder")],
    "headers": [(build, "write_headers")],
    "links": [(build, "broken_links")],
    # Pagefind runs beside the builder and the link check: what is timed is the wait for it
    # once they are done, what it adds to the build.
    "search index": [(search.Indexing, "finish")],
}
OWN = ("load", "validate", "model", "render", "write", "headers", "links")


def timed(seconds: dict[str, float], name: str, action: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return action(*args, **kwargs)
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start

    return run


def main(project: Path, site: Path) -> dict[str, Any]:
    seconds: dict[str, float] = {}
    for name, places in STEPS.items():
        for module, function in places:
            setattr(module, function, timed(seconds, name, getattr(module, function)))
    # A clean build, as `python -m generator build` makes it with nothing to start from: no
    # cache, so every page is made; it keeps one, as the command does, for the next build.
    shutil.rmtree(project / "build" / "cache", ignore_errors=True)
    start = time.perf_counter()
    pipeline.run(project, TODAY, site_dir=site, cache=True)
    total = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tools = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"total": total, "steps": seconds, "peak_mb": max(own, tools),
            "own_peak_mb": own, "tools_peak_mb": tools}  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
