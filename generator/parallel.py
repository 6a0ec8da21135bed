"""A run's long steps on two cores: parsing the data files, converting their markdown,
matching the services' words, rendering the pages and writing them inert, checking the
built site's links.

Each item of such a step is made on its own, from values nothing changes meanwhile. So
``in_two`` forks: the copy makes every other item and sends back what it made (and what it
added to the run's memo), while this process makes the rest; the answers are put back in
the items' order, so the run makes exactly what one process would, byte for byte, and
reports the same problems (``test_parallel`` holds the two to each other). The pages take
``in_two_steps``: one copy renders its pages and then writes them, and the two processes
swap in between only what writing a page needs of the others (titles and ids), not the
pages' HTML.

It forks only where that is safe and pays: on Linux, on a machine with more than one
core, in a process with no other thread (a preview's server has some: a fork copies no
thread but may copy a lock one holds), with enough items. Anywhere else the items are
made here, one after another.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import fields
from typing import Any, TypeVar

from .errors import DataError, Problem
from .memo import Memo

Item = TypeVar("Item")
Made = TypeVar("Made")
Done = TypeVar("Done")

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


def in_two_steps(
    items: Sequence[Item],
    first: Callable[[Item], Made],
    brief: Callable[[Made], Any],
    between: Callable[[list[Any]], Any],
    second: Callable[[Item, Made, Any], Done],
    memo: Memo | None = None,
) -> list[Done]:
    """Two steps over ``items`` where the second needs something of every item's first
    (``between`` works it out from each first step's ``brief``, in the items' order): the
    pages' HTML, then each page written with every page's ids known. As ``in_two``, in one
    copy for both steps, which sends over only the briefs in between (not the pages' HTML)
    and works ``between`` out itself. The first ``DataError`` of the first step, in the
    items' order, is raised before any second step."""
    if not _can_fork(len(items), FORK_FROM):
        firsts: list[Any] = [first(item) for item in items]
        context = between([brief(made) for made in firsts])
        done: list[Done] = []
        for index, item in enumerate(items):
            done.append(second(item, firsts[index], context))
            firsts[index] = None  # used: let go (a page's HTML)
        return done
    memo = memo or Memo()
    before = _state(memo)
    from_copy, to_here = os.pipe()
    to_copy, from_here = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(from_copy)
        os.close(from_here)
        _copy_steps(items[1::2], first, brief, between, second, memo, before, to_copy, to_here)
    os.close(to_here)
    os.close(to_copy)
    with os.fdopen(from_copy, "rb") as inbox, os.fdopen(from_here, "wb") as outbox:
        try:
            mine: list[Any] = _run(items[0::2], first)
            theirs = _received(inbox)
            briefs = [made if isinstance(made, _Failed) else brief(made) for made in mine]
            in_order = _in_order(len(items), briefs, theirs)  # raises the first failure
            pickle.dump(briefs, outbox, protocol=pickle.HIGHEST_PROTOCOL)
            outbox.flush()
            context = between(in_order)
            done = []
            for index, item in enumerate(items[0::2]):
                done.append(second(item, mine[index], context))
                mine[index] = None  # used: let go
            theirs_done, delta = _received(inbox)
        finally:
            inbox.close()
            with suppress(OSError):
                outbox.close()
            _, status = os.waitpid(pid, 0)
    if status != 0:
        raise RuntimeError(f"making pages in a second process failed (status {status})")
    _apply(memo, delta)
    return [(done if i % 2 == 0 else theirs_done)[i // 2] for i in range(len(items))]


def _copy_steps(
    items: Sequence[Any],
    first: Callable[[Any], Any],
    brief: Callable[[Any], Any],
    between: Callable[[list[Any]], Any],
    second: Callable[[Any, Any, Any], Any],
    memo: Memo,
    before: Any,
    reader: int,
    writer: int,
) -> None:
    """In the copy: ``in_two_steps``' odd items; ends the process."""
    code = 0
    try:
        with os.fdopen(writer, "wb") as out, os.fdopen(reader, "rb") as inbox:
            try:
                mine = _run(items, first)
                briefs = [made if isinstance(made, _Failed) else brief(made) for made in mine]
                pickle.dump(briefs, out, protocol=pickle.HIGHEST_PROTOCOL)
                out.flush()
                theirs = pickle.load(inbox)  # none (an end of file) if the parent stopped
                context = between(_in_order(len(theirs) + len(briefs), theirs, briefs))
                done = [second(item, made, context) for item, made in zip(items, mine, strict=True)]
                answer: Any = (done, _delta(before, _state(memo)))
            except EOFError:
                return
            except BaseException:
                answer = _Fault(traceback.format_exc())
            pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


class _Fault:
    """A fault of ours in the copy, sent whole to be raised in the parent."""

    def __init__(self, text: str) -> None:
        self.text = text


def _received(inbox: Any) -> Any:
    """The copy's next message; a fault of its raised here."""
    try:
        message = pickle.load(inbox)
    except EOFError:
        raise RuntimeError("making pages in a second process failed: it ended") from None
    if isinstance(message, _Fault):
        raise RuntimeError(f"making pages in a second process failed:\n{message.text}")
    return message


def _in_order(count: int, evens: list[Any], odds: list[Any]) -> list[Any]:
    """The two halves' answers in the items' order, up to ``count``; the first failure in
    that order raised."""
    found: list[Any] = []
    for index in range(count):
        part = evens if index % 2 == 0 else odds
        if index // 2 >= len(part):
            break
        made = part[index // 2]
        if isinstance(made, _Failed):
            raise DataError(made.problems) from None
        found.append(made)
    return found


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
