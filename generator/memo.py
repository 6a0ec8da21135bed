"""What a run remembers while it works, and what a preview remembers between its runs.

No module keeps anything from one run to the next: ``pipeline.run`` makes a ``Memo`` and
drops it when it returns, unless it is given one. The preview (``plugin``) makes one when
it starts and gives it to every rebuild, so that a save parses again only the files that
changed, converts again only the markdown that changed, renders again only the pages whose
inputs changed and re-serialises only the pages whose HTML changed; ``build --strict``
gives its check and its build the same one. ``check`` and ``build`` from the command line
keep theirs in the project's cache (``cache``), for the next run.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import jinja2
import markdown

from .errors import Problem

if TYPE_CHECKING:
    from .load import Source
    from .sanitise import Chunks


#: What ``Memo.rendered`` keeps of a page.
Rendered = tuple[
    str, bytes, tuple[str, ...], tuple[tuple[str, tuple[object, ...]], ...], bytes, str,
    frozenset[str],
]  # fmt: skip


def _chunks() -> Chunks:
    from .sanitise import Chunks  # sanitise imports this module

    return Chunks()


class Compiled(jinja2.BytecodeCache):
    """Compiled templates by name and source checksum, so that a later run compiles again
    only a template whose text changed. One per Jinja environment's options."""

    def __init__(self) -> None:
        self.code: dict[tuple[str, str], bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (bucket.key, bucket.checksum) in self.code:
            bucket.bytecode_from_string(self.code[bucket.key, bucket.checksum])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        for old in [k for k in self.code if k[0] == bucket.key]:  # an earlier text's
            del self.code[old]
        self.code[bucket.key, bucket.checksum] = bucket.bytecode_to_string()


#: The pages' templates as compiled in this process, shared by every run: the same source
#: (by checksum) and the same options always give the same code, bytes never changed, so
#: this remembers a pure function's answers rather than keeping state. Compiling is a
#: third of a ``check`` of a small project; a preview or a suite of checks compiles each
#: template once, and again only when its text changes. The project's cache keeps them
#: too (``cache``), for the next ``check`` or ``build``.
COMPILED = Compiled()


@contextmanager
def no_cycle_collection(*, freeze: bool = False) -> Iterator[None]:
    """Python's cycle collector off while the project's cache is read (``cache.load_memo``,
    whoever calls it: ``pipeline.run``, or the command line's build, which reads it for
    its ``--strict`` check too) and while records are read and pages made
    (``pipeline.run``).

    Those steps make millions of objects that live until the pages are written and form
    next to no cycles, so each collection re-scans them all for nothing: a fifth of
    ``check`` at 5,000 services (16.0 s with it, 13.0 s without, 3 MB more memory), and
    half the reading of the cache (0.37 to 0.46 s with it, 0.18 to 0.21 s without). The
    switch is the process's, so it is turned back as it was when the step ends, however it
    ends; a preview's search indexing, in another thread meanwhile, only collects later.

    With ``freeze``, for a process that ends with the run (``pipeline.run``'s
    ``one_shot``), every object then alive (the cache read before, too) is frozen
    (``gc.freeze``), never scanned again: else the first collection once the collector is
    back on scans them all, 0.1 to 0.15 s of a ``check`` at 5,000 services, and of a
    build before search can start. They are freed as ever once no longer used, but a
    cycle among them would stay until the process ends: a process that runs on (a
    preview, the tests) would keep 2 MB a run of the sample.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


@dataclass(eq=False)
class Memo:
    """The caches of one run, or of the runs of one preview (``across_runs``)."""

    #: Whether what only a later run can use is kept too: each file as it was parsed (a run
    #: reads each once) and each page's body (made once a run: 55 MB more at the peak of a
    #: ``check`` of 5,000 services).
    across_runs: bool = False
    #: By (file, line offset): the text parsed, and what it gave. Each run hands out a new
    #: ``Source`` of the same data, which nothing changes once it is read.
    parsed: dict[tuple[str, int], tuple[str, Source, tuple[Problem, ...]]] = field(
        default_factory=dict
    )
    #: Markdown's clean HTML by (text, content page); grows only by what is typed meanwhile.
    html: dict[tuple[str, str | None], str] = field(default_factory=dict)
    #: One converter for fields, one for pages (``True``): making one takes longer than
    #: converting a description. Each keeps state while it converts: one memo's, not shared.
    converters: dict[bool, markdown.Markdown] = field(default_factory=dict)
    #: By (page, for Zensical): the digest of the page's HTML, and its body.
    bodies: dict[tuple[str, bool], tuple[bytes, str]] = field(default_factory=dict)
    #: By (page, for Zensical): the digest of the page's HTML, and its ``site:`` links, which
    #: a later run checks again (the pages they lead to may be gone).
    links: dict[tuple[str, bool], tuple[bytes, tuple[str, ...]]] = field(default_factory=dict)
    #: By page: its template, its key (``depends``), the names it read and the calls it
    #: made, its HTML's digest, its title and its ids: a page whose key is the same again
    #: is not rendered again (``render._Made``).
    rendered: dict[str, Rendered] = field(default_factory=dict)
    #: The thesaurus groups each service's words hold (``search.found_words``), by the
    #: digest of the groups and the words.
    held: dict[tuple[bytes, tuple[str, ...]], tuple[int, ...]] = field(default_factory=dict)
    used_held: set[tuple[bytes, tuple[str, ...]]] = field(default_factory=set)
    #: The keys of ``parsed``, ``html``, ``rendered`` and ``bodies`` (and ``links``) that a
    #: run used: what the project's cache keeps for the next run (``cache.save_memo``), so
    #: it holds nothing that is gone.
    used_parsed: set[tuple[str, int]] = field(default_factory=set)
    #: The keys of ``parsed`` parsed (again) since the cache was written: the files of
    #: parses that the cache keeps again (``cache.save_memo``).
    parsed_new: set[tuple[str, int]] = field(default_factory=set)
    used_html: set[tuple[str, str | None]] = field(default_factory=set)
    used_bodies: set[tuple[str, bool]] = field(default_factory=set)
    used_rendered: set[str] = field(default_factory=set)
    #: Whether ``html``, ``rendered``, ``links`` or ``held`` gained or changed
    #: an entry since the cache was written (``memo.pickle``; else it is left as it is).
    changed: bool = False
    #: Whether the run puts the pages together (every run but a ``check`` from the command
    #: line, which only looks for problems): only then are pages' bodies needed and kept
    #: (``bodies``, the cache's largest part, files of their own); and the keys of those
    #: made (again) since the cache was written: the files of bodies it writes again.
    want_pages: bool = True
    bodies_new: set[tuple[str, bool]] = field(default_factory=set)
    #: The compiled templates (``COMPILED``) the project's cache held when it was read.
    compiled: frozenset[tuple[str, str]] = frozenset()
    #: How ``sanitise.inert`` wrote each line of the pages (``sanitise.Chunks``): a county's
    #: pages repeat most of their lines.
    chunks: Chunks = field(default_factory=lambda: _chunks())
