"""The one error type that crosses stage boundaries, and how a command is stopped.

Every stage collects problems instead of stopping at the first, so a person fixing data sees
all of them at once; no stage prints or exits, the CLI and the MkDocs plugin do. A signal
that ends a command (SIGTERM, SIGHUP) is raised as Ctrl-C is (``stoppable``), so that what
it was doing is cleared up as it would be then.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str
    line: int
    where: str
    message: str

    def __str__(self) -> str:
        """One line, whatever the file's name or the message holds (see ``printable``)."""
        where = f" {printable(self.where)}:" if self.where else ""
        return f"{printable(self.file)}:{self.line}:{where} {printable(self.message)}"


class GeneratorError(Exception):
    """Base of the errors that reach a person: the CLI and the plugin catch this one type."""

    exit_code = 2


class BuildError(GeneratorError):
    """The build could not be done (the builder failed, a folder is unsafe, the disk is
    full); the message says what, in one or a few lines."""


class DataError(GeneratorError):
    """Raised with every problem found; ``str()`` gives one ``file:line: where: what`` a line."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def printable(text: str) -> str:
    """``text`` as a message shows it: each character that is not printable (a line break, a
    terminal's escape code, a direction mark) as a visible escape such as ``\\n`` or ``\\x1b``.

    Names of files and folders are chosen by whoever made them, and messages end up in
    terminals and CI logs: a name holding a line break could forge a line (GitHub Actions
    reads ``::error …::`` at a line's start as an annotation) and an escape code could
    rewrite the terminal. Escaped, such a name is shown and does nothing.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def shown(value: object) -> str:
    """A value as quoted in a message: its first line, cut short.

    A message never repeats more of a file than the line it points at (a mistaken file can
    hold anything, and the message ends up in a CI log).
    """
    text = str(value).strip()
    first = text.split("\n", 1)[0]
    return first[:60] + ("…" if len(first) > 60 or first != text else "")


class Stopped(KeyboardInterrupt):
    """A signal (SIGTERM, SIGHUP) that stops a command the way Ctrl-C does: cleanly, each
    ``finally`` run (a build's staging folder removed, its builder and search indexer
    ended), where Python's own default ends the process on the spot."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """SIGTERM and SIGHUP raise ``Stopped`` while this lasts (in the main thread: only it
    can take a signal's handler)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Stopped(signum)

    names = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    before = {signum: signal.signal(signum, stop) for signum in names}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def stopped_code(exc: BaseException) -> int:
    """The exit code of a command stopped by ``exc`` (Ctrl-C, a signal, the end of its
    input): 128 and the number of the signal (SIGINT's unless it was another)."""
    return 128 + (exc.signum if isinstance(exc, Stopped) else signal.SIGINT)
