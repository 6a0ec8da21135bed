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

import ctypes
import os
import pickle
import signal
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
    process's. The first ``DataError`` in the items' order is raised, as the loop would:
    ``in_two_steps`` with nothing to do in between."""
    return in_two_steps(items, work, _nothing, _nothing, _as_made, memo, least=least)


def _nothing(_: object) -> None:
    return None


def _as_made(_: object, made: Made, __: object) -> Made:
    return made


def in_two_steps(
    items: Sequence[Item],
    first: Callable[[Item], Made],
    brief: Callable[[Made], Any],
    between: Callable[[list[Any]], Any],
    second: Callable[[Item, Made, Any], Done],
    memo: Memo | None = None,
    *,
    least: int | None = None,
) -> list[Done]:
    """Two steps over ``items`` where the second needs something of every item's first
    (``between`` works it out from each first step's ``brief``, in the items' order): the
    pages' HTML, then each page written with every page's ids known. The odd items' two
    steps are made in one copy, which sends over only the briefs in between (not the
    pages' HTML) and works ``between`` out itself, then sends its answers and what it
    added to ``memo``. The first ``DataError`` of the first step, in the items' order, is
    raised before any second step."""
    if not _can_fork(len(items), FORK_FROM if least is None else least):
        firsts: list[Any] = [first(item) for item in items]
        context = between([brief(made) for made in firsts])
        done: list[Done] = []
        for index, item in enumerate(items):
            done.append(second(item, firsts[index], context))
            firsts[index] = None  # used: let go (a page's HTML)
        return done
    memo = memo or Memo()  # none given: what the work remembers is of no later use
    before = _state(memo)

    def steps(half: Sequence[Item], inbox: Any, out: Any, copy: bool) -> list[Done]:
        """One process's half: its first steps, the briefs swapped (the copy sends first,
        the parent answers, unless it stops at a failure: the copy then meets the end of
        the pipe), ``between``, its second steps."""
        mine: list[Any] = _run(half, first)
        briefs = [made if isinstance(made, _Failed) else brief(made) for made in mine]
        if copy:
            pickle.dump(briefs, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
            evens, odds = pickle.load(inbox), briefs
        else:
            evens, odds = briefs, _received(inbox)
        in_order = _in_order(len(evens) + len(odds), evens, odds)  # the first failure raised
        if not copy:
            pickle.dump(briefs, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
        context = between(in_order)
        done = []
        for index, item in enumerate(half):
            done.append(second(item, mine[index], context))
            mine[index] = None  # used: let go
        return done

    from_copy, to_here = os.pipe()
    to_copy, from_here = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: the odd items; it ends here (``os._exit``: nothing of the
        code = 0  # parent's, such as its open files, is closed or flushed)
        try:
            os.close(from_copy)
            os.close(from_here)
            with os.fdopen(to_here, "wb") as out, os.fdopen(to_copy, "rb") as inbox:
                try:
                    answer: Any = (
                        steps(items[1::2], inbox, out, True),
                        _delta(before, _state(memo)),
                    )
                except EOFError:  # the parent stopped at a failure
                    answer = None
                except BaseException:
                    answer = _Fault(traceback.format_exc())
                if answer is not None:
                    pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(to_here)
    os.close(to_copy)
    with os.fdopen(from_copy, "rb") as inbox, os.fdopen(from_here, "wb") as outbox:
        ended = False
        try:
            done = steps(items[0::2], inbox, outbox, False)
            theirs, delta = _received(inbox)
            ended = True
        finally:
            if not ended:  # stopped (a failure, Ctrl-C, SIGTERM): the copy's work is moot
                with suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            inbox.close()
            with suppress(OSError):
                outbox.close()
            _, status = os.waitpid(pid, 0)
    if status != 0:
        raise RuntimeError(f"making pages in a second process failed (status {status})")
    _apply(memo, delta)
    return [(done if i % 2 == 0 else theirs)[i // 2] for i in range(len(items))]


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


def dies_with_parent() -> Callable[[], None] | None:
    """What a child process (the builder, Pagefind) runs before its program starts, so that
    the system ends it when this process ends, even killed outright (SIGKILL), rather than
    leave it writing beside the site: Linux's ``PR_SET_PDEATHSIG``. None elsewhere, and
    where other threads run (a preview's), since Python code run there between fork and
    exec can hang on a lock another thread held."""
    if not _LINUX or threading.active_count() > 1:
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def arrange() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # this process ended before that took: end now
            os._exit(1)

    return arrange


_PR_SET_PDEATHSIG = 1


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
