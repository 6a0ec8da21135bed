"""The project's own cache, in ``build/cache/``: what one ``check`` or ``build`` worked out
that the next can use again, so a one-record edit is not a run from nothing.

What is kept is a ``Memo`` (``memo``), whose every entry is found again only by the content
it was made from: a data file's text and what parsing it gave, a markdown text and its clean
HTML, a page's HTML (by digest) and the inert body written from it. Nothing is trusted for
being in the cache: a file whose text changed is parsed again, a page whose HTML changed is
written again, and every check across records runs on the whole set each time. So a cache
can only save work, never change what a run finds or makes; ``test_cache`` holds a warm run
to the problems and the pages of a cold one.

The file starts with a line naming the format, then a digest of what made it (this
generator's code and templates, the installed libraries' versions, Python's, the project's
folder) and an HMAC of the rest under a key kept beside it. A cache that is corrupt (cut
short, changed), stale (another version of the generator) or foreign (another project's, or
one written without the key) does not match and is ignored, then replaced, and the run is a
cold one: it is never read. ``--no-cache`` neither reads nor writes it.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.metadata
import os
import pickle
import secrets
import sys
from collections.abc import Iterator, Mapping
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

from .memo import COMPILED, Memo, no_cycle_collection
from .write import refuse_links

CACHE_DIR = Path("build") / "cache"
#: The first line of a cache file; a new layout of what is kept gets a new number.
MAGIC = b"local-offer-cache 2\n"
#: The libraries whose versions change what a run makes (a parser's, a converter's output).
LIBRARIES = ("PyYAML", "Markdown", "Jinja2", "MarkupSafe", "nh3", "pydantic", "pydantic_core")
_MEMO = "memo.pickle"
#: Each data file's parse, a file of its own in this folder (named by ``_parsed_name``):
#: a one-record edit rewrites that one, not the parse of every file (most of the cache).
_PARSED = "parsed"
#: The pages' bodies, in this folder, shared among ``_SHARDS`` files by their pages'
#: paths (``_shard_name``): 150 MB at a county's size, which a one-record edit rewrote
#: whole at the end of every build; now the few files that hold the pages made again.
_BODIES = "bodies"
_SHARDS = 64


@cache
def _generator_digest() -> bytes:
    """What made the cache: every file of the generator package (code, templates, word
    lists), the libraries' versions and Python's. Read once a process."""
    package = Path(__file__).parent
    digest = hashlib.sha256(sys.version.encode())
    files = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for path in sorted(files):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}=none\n".encode())
    return digest.digest()


def made_by(root: Path) -> bytes:
    """The digest a cache of ``root`` must carry: the generator's, and the project's folder."""
    return hashlib.sha256(_generator_digest() + str(root.resolve()).encode()).digest()


def _key(folder: Path) -> bytes:
    """The cache's key (made once, kept beside it, readable only by its owner), with which
    each cache file is signed, so a file this project's runs did not write is never read."""
    path = folder / "key"
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags)
        with os.fdopen(handle, "rb") as file:
            key = file.read(64)
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    _write(folder, "key", key)
    return key


@no_cycle_collection()  # millions of objects unpickled, next to no cycles
def load_memo(root: Path, *, bodies: bool = True) -> Memo:
    """The memo the last run left, or a new one if there is none that can be trusted;
    with the pages' bodies only if asked (a run that puts no page together needs none)."""
    folder = root / CACHE_DIR
    try:
        refuse_links(root, "build", CACHE_DIR.as_posix())
        kept = _load(folder, _MEMO, root)
        found = _load_bodies(root) if kept is not None and bodies else None
        parsed = _load_parsed(root) if kept is not None else {}
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, TypeError, ValueError):
        kept = found = None  # unreadable: a cold run, and a new cache after it
    memo = Memo(across_runs=True)
    if kept is not None:
        memo.parsed, memo.html, memo.rendered = parsed, kept["html"], kept["rendered"]
        memo.links, memo.held = kept["links"], kept["held"]
        COMPILED.code.update(kept["templates"])  # checked again by Jinja: name and text
        memo.compiled = frozenset(kept["templates"])
        memo.bodies = found if isinstance(found, dict) else {}
    return memo


def _load_parsed(root: Path) -> dict[tuple[str, int], Any]:
    """The data files' parses the last run kept, each by its file and line offset; a file
    of them that is not this project's own, or not whole, is left out (parsed again)."""
    found: dict[tuple[str, int], Any] = {}
    for name, entry in _load_folder(root, _PARSED):
        if isinstance(entry, tuple) and len(entry) == 2 and name == _parsed_name(entry[0]):
            found[entry[0]] = entry[1]
    return found


def _load_bodies(root: Path) -> dict[tuple[str, bool], Any]:
    """The pages' bodies the last run kept; a file of them that is not this project's own,
    or not whole, is left out (its pages' bodies made again)."""
    found: dict[tuple[str, bool], Any] = {}
    for _, part in _load_folder(root, _BODIES):
        if isinstance(part, dict):
            found.update(part)
    return found


def _load_folder(root: Path, name: str) -> Iterator[tuple[str, Any]]:
    """What each file of the cache's folder ``name`` holds, by the file's name, for the
    files that are this project's own and whole (``_load``)."""
    refuse_links(root, "build", (CACHE_DIR / name).as_posix())
    folder = root / CACHE_DIR
    with suppress(FileNotFoundError, NotADirectoryError):
        for path in sorted((folder / name).glob("*.pickle")):
            kept = _load(folder, f"{name}/{path.name}", root)
            if kept is not None:
                yield path.name, kept


def _shard_name(key: tuple[str, bool]) -> str:
    """The name of the cache file that holds the body of the page ``key``."""
    number = hashlib.blake2b(repr(key).encode(), digest_size=2).digest()[0] % _SHARDS
    return f"{number:02d}.pickle"


def _parsed_name(key: tuple[str, int]) -> str:
    """The name of the cache file of the parse of data file ``key[0]`` at offset ``key[1]``."""
    return hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest() + ".pickle"


def _load(folder: Path, name: str, root: Path) -> Any:
    """What the cache file ``name`` holds, if it is this project's own (see the module's
    docstring); else None. Only a file signed with the project's key is unpickled."""
    data = _read(folder / name)
    if data is None or not data.startswith(MAGIC):
        return None
    body = memoryview(data)[len(MAGIC) :]
    made, signature, payload = bytes(body[:32]), bytes(body[32:64]), body[64:]
    if made != made_by(root):  # stale or foreign: another generator, another project
        return None
    if not hmac.compare_digest(signature, _signature(_key(folder), made, payload)):
        return None  # corrupt, or not written by this project's runs
    return pickle.loads(payload)  # signed with this project's key: written by its runs


def _signature(key: bytes, made: bytes, payload: bytes | memoryview) -> bytes:
    """A keyed BLAKE2b of the file (an HMAC's guarantee, at twice SHA-256's speed)."""
    mac = hashlib.blake2b(key=key, digest_size=32)
    mac.update(made)
    mac.update(payload)
    return mac.digest()


def save_memo(root: Path, memo: Memo) -> None:
    """Keep what this run used (and only that: entries of files and pages that are gone,
    and of texts since changed, are dropped) for the next run; atomically, so a run killed
    midway leaves the old cache or the new one, never half of one. The pages' bodies, most
    of it, are files of their own, written only by a run that puts pages together
    (``Memo.want_pages``), and only those that hold a body made again (``_save_bodies``)."""
    refuse_links(root, "build", CACHE_DIR.as_posix())
    folder = root / CACHE_DIR
    same = (len(memo.used_html), len(memo.used_rendered)) == (
        len(memo.html),
        len(memo.rendered),
    ) and (len(memo.used_bodies), len(memo.used_held)) == (len(memo.links), len(memo.held))
    _save_parsed(root, memo)
    compiled = dict(COMPILED.code)
    if not same or memo.changed or memo.compiled != set(compiled) or not (folder / _MEMO).is_file():
        _save(folder, _MEMO, root, {
            "html": {k: v for k, v in memo.html.items() if k in memo.used_html},
            "rendered": {k: v for k, v in memo.rendered.items() if k in memo.used_rendered},
            "links": {k: v for k, v in memo.links.items() if k in memo.used_bodies},
            "held": {k: v for k, v in memo.held.items() if k in memo.used_held},
            "templates": compiled,
        })  # fmt: skip
        memo.changed = False  # the cache now holds what the memo holds
        memo.compiled = frozenset(compiled)
    if memo.want_pages:
        _save_bodies(root, memo)


def _save_bodies(root: Path, memo: Memo) -> None:
    """Keep the bodies of the pages this run put together: each file of them that holds
    a body made (again) since the cache was written, or held one no longer used, written
    again; the others left as they are."""
    shards: dict[str, dict[tuple[str, bool], Any]] = {}
    for key in memo.used_bodies:
        if key in memo.bodies:
            shards.setdefault(_shard_name(key), {})[key] = memo.bodies[key]
    dropped = [key for key in memo.bodies if key not in memo.used_bodies]
    _save_folder(root, _BODIES, shards, {_shard_name(k) for k in [*memo.bodies_new, *dropped]})
    memo.bodies_new.clear()
    (root / CACHE_DIR / "bodies.pickle").unlink(missing_ok=True)  # where they were kept before


def _save_parsed(root: Path, memo: Memo) -> None:
    """Keep the parse of each data file this run read that is not kept yet (a file parsed
    again), and drop those of files since changed or gone."""
    kept = {_parsed_name(k): (k, memo.parsed[k]) for k in memo.used_parsed if k in memo.parsed}
    _save_folder(root, _PARSED, kept, {_parsed_name(key) for key in memo.parsed_new})
    memo.parsed_new.clear()


def _save_folder(root: Path, name: str, files: Mapping[str, object], stale: set[str]) -> None:
    """Make the cache's folder ``name`` hold ``files`` (what each holds, by its name):
    those named in ``stale`` or missing written (again), the others left as they are, and
    any other file of it removed."""
    folder = root / CACHE_DIR / name
    folder.mkdir(parents=True, exist_ok=True)
    refuse_links(root, "build", (CACHE_DIR / name).as_posix())
    for path in folder.glob("*.pickle"):  # not another run's file being written
        if path.name not in files:
            path.unlink(missing_ok=True)
    for file, kept in files.items():
        if file in stale or not (folder / file).is_file():
            _save(root / CACHE_DIR, f"{name}/{file}", root, kept)


def _save(folder: Path, name: str, root: Path, kept: object) -> None:
    """Write ``kept`` as the cache file ``name``: pickled straight into the file and signed
    as it goes (a county's pages are hundreds of MB, never held twice in memory), the
    signature filled in last; renamed into place only once whole."""
    made, key = made_by(root), _key(folder)
    mac = hashlib.blake2b(key=key, digest_size=32)
    mac.update(made)
    target = folder / name
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(MAGIC + made + bytes(32))

            class Signing:
                def write(self, data: bytes) -> int:
                    mac.update(data)
                    return file.write(data)

            pickle.dump(kept, Signing(), protocol=pickle.HIGHEST_PROTOCOL)
            file.seek(len(MAGIC) + len(made))
            file.write(mac.digest())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _read(path: Path) -> bytes | None:
    """A cache file's bytes, never through a link; None when there is none."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    with os.fdopen(handle, "rb") as file:
        return file.read()


def _write(folder: Path, name: str, *parts: bytes) -> None:
    """Write ``parts`` into ``folder/name`` whole or not at all: a new file, then renamed
    over the old (in parts: a county's cache is hundreds of MB, not copied to be joined)."""
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(handle, "wb") as file:
            for part in parts:
                file.write(part)
        os.replace(tmp, folder / name)
    finally:
        tmp.unlink(missing_ok=True)
