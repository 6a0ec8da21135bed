"""The one error type that crosses stage boundaries.

Every stage collects problems instead of stopping at the first, so a person fixing data sees
all of them at once; no stage prints or exits, the CLI and the MkDocs plugin do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str
    line: int
    where: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"{self.file}:{self.line}:{where} {self.message}"


class DataError(Exception):
    """Raised with every problem found; ``str()`` gives one ``file:line: where: what`` a line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))
