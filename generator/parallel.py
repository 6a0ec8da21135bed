"""The pages' long steps (rendering, writing each page inert, checking the built site's
links) on two cores.

Rendering a county's pages is most of a ``check`` and of the generator's part of a build,
and each page is made on its own, from values nothing changes meanwhile. So ``in_two``
forks: the copy makes every other page and sends back what it made (and what it added to
the run's memo), while this process makes the rest; the answers are put back in the pages'
order, so the run makes exactly what one process would, byte for byte, and reports the
same problems (``test_render`` holds the two to each other).

It forks only where that is safe and pays: on Linux, on a machine with more than one
core, in a process with no other thread (a preview's server has some: a fork copies no
thread but may copy a lock one holds), with enough pages. Anywhere else the pages are made
here, one after another.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any, TypeVar

from .errors import DataError, Problem
from .memo import Memo

Item = TypeVar("Item")
Made = TypeVar("Made")

#: Fewer pages than this are made in one process: forking costs more than it saves.
FORK_FROM = 200
#: The memo's parts that are per process, not answers a later run uses.
_OWN = ("converters", "chunks")


def in_two(
    items: Sequence[Item],
    work: Callable[[Item], Made],
    memo: Memo | None = None,
    *,
    least: int | None = None,
) -> list[Made]:
    """``[work(i) for i in items]``, the odd items made in a forked copy of this process
    where that is safe and pays (see the module's docstring; ``least`` items at least,
    ``FORK_FROM`` unless said), with what the copy added to ``memo`` added to this
    process's. The first ``DataError`` in the items' order is raised, as the loop would."""
    if not _can_fork(len(items), FORK_FROM if least is None else least):
        return [work(item) for item in items]
    memo = memo or Memo()  # none given: what the work remembers is of no later use
    before = _state(memo)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: the odd items, then what they made, down the pipe
        os.close(reader)
        _child(items[1::2], work, memo, before, writer)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:  # closed however this ends: the copy then ends
        try:
            mine: list[Made | _Failed] = _run(items[0::2], work)
            data = pipe.read()
        finally:
            pipe.close()
            _, status = os.waitpid(pid, 0)
    if not data or status != 0:
        raise RuntimeError(f"making pages in a second process failed (status {status})")
    theirs, delta = pickle.loads(data)
    if isinstance(theirs, str):
        raise RuntimeError(f"making pages in a second process failed:\n{theirs}")
    _apply(memo, delta)
    made: list[Made] = []
    for index in range(len(items)):
        part, place = (mine, index // 2) if index % 2 == 0 else (theirs, index // 2)
        if place >= len(part):
            break  # that process stopped at an earlier failure, reached below first
        found = part[place]
        if isinstance(found, _Failed):
            raise DataError(found.problems) from None
        made.append(found)
    return made


class _Failed:
    """A ``DataError`` as it crosses from the copy: its problems (an exception of ours
    need not be rebuilt from its arguments)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def _can_fork(count: int, least: int) -> bool:
    return count >= max(least, 2) and _LINUX and (os.cpu_count() or 1) > 1 and _alone()


#: Where a fork copies a process safely: not macOS, whose system libraries may not survive
#: one (Python's own pools no longer fork there), nor Windows, which has none.
_LINUX = sys.platform.startswith("linux")


def _alone() -> bool:
    """Whether this process runs no other thread (which a fork would not copy)."""
    return threading.active_count() == 1


def _run(items: Sequence[Item], work: Callable[[Item], Made]) -> list[Made | _Failed]:
    """What ``work`` makes of each item, up to and including the first ``DataError``."""
    made: list[Made | _Failed] = []
    for item in items:
        try:
            made.append(work(item))
        except DataError as exc:
            made.append(_Failed(exc.problems))
            break
    return made


def _child(
    items: Sequence[Item], work: Callable[[Item], Made], memo: Memo, before: Any, writer: int
) -> None:
    """In the copy: make ``items``, write what was made and the memo's changes, and end
    (``os._exit``: nothing of the parent's, such as its open files, is closed or flushed)."""
    code = 0
    try:
        try:
            answer: Any = (_run(items, work), _delta(before, _state(memo)))
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # a fault of ours, sent whole to be raised in the parent
            data = pickle.dumps((traceback.format_exc(), None))
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(data)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _state(memo: Memo) -> dict[str, Any]:
    """The memo's parts as they are now (shallow copies: their entries are never changed,
    only added, replaced or removed)."""
    state: dict[str, Any] = {}
    for field in fields(memo):
        value = getattr(memo, field.name)
        if field.name in _OWN:
            continue
        state[field.name] = value.copy() if isinstance(value, dict | set) else value
    return state


def _delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What changed in each part of the memo: entries added or replaced, and removed."""
    delta: dict[str, Any] = {}
    for name, now in after.items():
        was = before[name]
        if isinstance(now, dict):
            added = {k: v for k, v in now.items() if k not in was or was[k] is not v}
            delta[name] = (added, set(was) - set(now))
        elif isinstance(now, set):
            delta[name] = (now - was, was - now)
        elif now != was:
            delta[name] = now
    return delta


def _apply(memo: Memo, delta: dict[str, Any]) -> None:
    """The copy's changes to the memo, made to this process's."""
    for name, change in delta.items():
        part = getattr(memo, name)
        if isinstance(part, dict):
            added, removed = change
            for key in removed:
                part.pop(key, None)
            part.update(added)
        elif isinstance(part, set):
            added, removed = change
            part.difference_update(removed)
            part.update(added)
        elif isinstance(part, bool):
            setattr(memo, name, part or change)  # a flag: whether anything changed
