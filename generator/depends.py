"""What a page was made from, so that a later run makes again only the pages whose inputs
changed (``render.render_site``, with a memo kept across runs: a preview's, or the
project's cache).

A page's template reads values by name (``service``, ``site``, ``running``…) and calls a
few functions (``similar(s)``, ``search_record(s)``…). While a page is rendered, every name
its templates look up (``Reading``, Jinja's context class) and every such call (``Reads.
calling``) is written down; the page's key is a digest of the digest of each value read and
of each call's result. A later run works the key out again from the same names and calls
with its own values: the same key means the same inputs, so the same page. Jinja looks up
every name a template uses when it starts, whichever branch is taken, and a branch can only
change with a value that was read, so nothing a page could show is left out.

A value is digested by what it holds (``digest``): text, numbers, dates, lists, mappings,
sets (in a stable order, so two runs agree), pydantic records by their fields, dataclasses
by theirs. Anything else (the whole site model, a function that is not followed) cannot
be, and a page that reads it is made again every time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import jinja2.runtime
from markupsafe import Markup
from pydantic import BaseModel

#: Plain classes whose objects are digested by their attributes, like records (``Terms``).
WALKED: set[type] = set()


#: Tuples longer than this are digested once a run (``Digests._long``).
_LONG = 16
#: The types of a list of plain words, digested at once (``json.dumps``).
_ONLY_TEXT = {str}


class Undigestible(Exception):
    """A value whose digest cannot be trusted to change whenever it does."""


class Reads:
    """What one page read: the names its templates looked up, and the calls they made
    (the function's name, its arguments as ``token`` writes them, the result's digest)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self.cacheable = True

    def calling(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """``function``, each call written down with its arguments: those given by name
        (a theme's ``similar(s, most=3)``) as a last token, ``("named", ((name, token),
        …))``, which no argument's own token can be."""

        def called(*args: Any, **named: Any) -> Any:
            tokens = tuple(token(a) for a in args)
            by_name = tuple((k, token(v)) for k, v in sorted(named.items()))
            if any(t is None for t in tokens) or any(t is None for _, t in by_name):
                self.cacheable = False  # an argument a later run could not give again
            else:
                self.calls.append((name, tokens + ((("named", by_name),) if by_name else ())))
            return function(*args, **named)

        return called


#: The page being rendered's ``Reads`` (rendering is one page at a time, in one thread).
_CURRENT: list[Reads] = []


class Reading(jinja2.runtime.Context):
    """Jinja's context, writing down each name a template looks up (``Reads``)."""

    def resolve_or_missing(self, key: str) -> Any:
        if _CURRENT:
            _CURRENT[-1].names.add(key)
        return super().resolve_or_missing(key)


class reading:  # used as ``with reading(reads):``
    """While rendering one page: its lookups go to ``reads``."""

    def __init__(self, reads: Reads) -> None:
        self.reads = reads

    def __enter__(self) -> Reads:
        _CURRENT.append(self.reads)
        return self.reads

    def __exit__(self, *exc: object) -> None:
        _CURRENT.pop()


def token(value: object) -> object | None:
    """An argument as a later run can give it again: text and numbers as they are, a
    record by its kind and id, a list of records by their ids; None for anything else."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    record_id = getattr(value, "id", None)
    if isinstance(value, BaseModel) and isinstance(record_id, str):
        return ("record", type(value).__name__, record_id)
    if isinstance(value, list | tuple):
        items = tuple(token(v) for v in value)
        return None if any(i is None for i in items) else ("list", items)
    return None


class Digests:
    """The digests of one run, each value's worked out once (records are shared by many
    pages). Objects are remembered by identity, and kept alive, so no id is reused."""

    def __init__(self) -> None:
        self.known: dict[int, tuple[object, bytes]] = {}

    def of(self, value: object) -> bytes:
        """The digest of ``value``; ``Undigestible`` if it has none."""
        hasher = hashlib.blake2b(digest_size=16)
        self._feed(hasher, value)
        return hasher.digest()

    def _feed(self, hasher: Any, value: object) -> None:
        known = self.known.get(id(value))  # a record or a long tuple, met before this run
        if known is not None and known[0] is value:
            hasher.update(known[1])
            return
        kind = type(value)
        if value is None or kind is bool or kind is int or kind is float:
            hasher.update(f"{kind.__name__}:{value!r};".encode())
        elif isinstance(value, str):
            # Markup is printed as it is, other text escaped: the two never match.
            mark = b"M" if isinstance(value, Markup) else b"S"
            data = value.encode("utf-8", "surrogatepass")
            hasher.update(mark + str(len(data)).encode() + b":" + data)
            if hasattr(value, "html"):  # a Prose: its HTML too (made from the text)
                self._feed(hasher, value.html)
        elif isinstance(value, datetime | date):
            hasher.update(f"{kind.__name__}:{value.isoformat()};".encode())
        elif isinstance(value, tuple) and kind is tuple and len(value) > _LONG:  # once a run
            hasher.update(self._long(value))
        elif isinstance(value, list | tuple) and set(map(type, value)) <= _ONLY_TEXT:
            hasher.update(b"[S" + json.dumps(value).encode() + b"]")  # plain words, at once
        elif isinstance(value, list | tuple):
            hasher.update(f"[{len(value)}".encode())
            for item in value:
                self._feed(hasher, item)
            hasher.update(b"]")
        elif isinstance(value, dict):
            hasher.update(f"{{{len(value)}".encode())
            for key, item in value.items():  # in order: a template iterates in this order
                self._feed(hasher, key)
                self._feed(hasher, item)
            hasher.update(b"}")
        elif isinstance(value, set | frozenset):
            items = sorted(self.of(item) for item in value)
            hasher.update(f"<{len(items)}".encode() + b"".join(items) + b">")
        elif isinstance(value, BaseModel) or dataclasses.is_dataclass(value) or kind in WALKED:
            hasher.update(self._object(value))
        else:
            raise Undigestible(kind.__name__)

    def _long(self, value: tuple[object, ...]) -> bytes:
        """A long tuple's digest, worked out once a run: a tuple cannot change, and what it
        holds is a record, which a run does not change either (``_object``). Many pages read
        the same list of records (``SiteModel.similar_reads``): ``_feed`` finds it there."""
        hasher = hashlib.blake2b(digest_size=16)
        hasher.update(f"[{len(value)}".encode())
        for item in value:
            self._feed(hasher, item)
        hasher.update(b"]")
        found = hasher.digest()
        self.known[id(value)] = (value, found)
        return found

    def _object(self, value: Any) -> bytes:
        """A record's digest, worked out once a run (``_feed`` finds it in ``known``)."""
        hasher = hashlib.blake2b(digest_size=16)
        hasher.update(f"{type(value).__module__}.{type(value).__qualname__}(".encode())
        if isinstance(value, BaseModel):
            # Its fields as pydantic writes them (fast), but for sets, which it writes in
            # the order they happen to be in: those in a stable order here.
            sets = {k for k, v in vars(value).items() if isinstance(v, set | frozenset)}
            hasher.update(value.model_dump_json(exclude=sets).encode())
            fields = [(name, vars(value)[name]) for name in sorted(sets)]
        elif type(value) in WALKED:
            fields = list(vars(value).items())  # every field, those never dumped too
        else:
            fields = [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
        for name, item in fields:
            hasher.update(name.encode() + b"=")
            self._feed(hasher, item)
        found = hasher.digest()
        self.known[id(value)] = (value, found)
        return found
