"""``python -m generator report --year 2026``: the annual Local Offer report.

The figures a council reports on once a year (regulation 56 asks for the comments and the
answers to them at least yearly), each worked out from the records and, where the project
is a git repository, from their history: services added, changed and retired; reviews
done and overdue; consultations and their outcomes; comments by theme and actions by
status; and the cells of the Balanced System® grid, in each area, with no running service.

``figures`` and the functions it calls are pure (records and history in, numbers out);
``history`` is the one that asks git; ``write_report`` puts them together and writes one
self-contained HTML page that prints on A4.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from . import kinds
from .errors import DataError, Problem
from .load import load_all
from .model import SiteModel, build_model, long_date
from .render import environment
from .validate import validate

#: Statuses that mean a service was retired (no longer offered).
RETIRED = frozenset({"defunct", "inactive"})


@dataclass(frozen=True)
class Gap:
    """A cell of the grid, in one area, that no running service fills."""

    strand: str
    level: str
    area: str


@dataclass(frozen=True)
class SurveyLine:
    title: str
    kind: str
    opens: date
    closes: date
    #: "published on 3 March 2026", "missing" (closed with none) or "not due yet" (open).
    outcome: str


@dataclass(frozen=True)
class History:
    """The services (id → fields as typed) at the last commit before the year and at the
    last commit in it; ``None`` for a side means no commit then."""

    before: dict[str, dict[str, Any]]
    after: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Figures:
    year: int
    #: The day the report is as of: 31 December of the year, or an earlier --today.
    day: date
    #: Whether the git history was there to say what was added, changed and retired.
    history: bool
    #: Service names; with history, from the commits, else empty.
    added: tuple[str, ...]
    changed: tuple[str, ...]
    retired: tuple[str, ...]
    #: Without history: services whose status is not active now.
    not_running: tuple[str, ...]
    reviewed: tuple[str, ...]
    overdue: tuple[str, ...]
    surveys: tuple[SurveyLine, ...]
    #: Comments received in the year, by theme (in families' words), and their actions by
    #: status; both in the vocabulary's order, only those with at least one.
    themes: dict[str, int]
    statuses: dict[str, int]
    gaps: tuple[Gap, ...]

    @property
    def comments(self) -> int:
        return sum(self.themes.values())

    @property
    def outcomes_missing(self) -> int:
        return sum(1 for s in self.surveys if s.outcome == "missing")


def in_year(day: date | None, year: int) -> bool:
    return day is not None and day.year == year


def changes(history: History) -> tuple[list[str], list[str], list[str]]:
    """Ids added, changed and retired between the two sides of ``history`` (sorted)."""
    before, after = history.before, history.after
    added = sorted(set(after) - set(before))
    retired = sorted(
        i
        for i, old in before.items()
        if i not in after
        or (after[i].get("status") in RETIRED and old.get("status") not in RETIRED)
    )
    changed = sorted(
        i for i in set(before) & set(after) if i not in retired and before[i] != after[i]
    )
    return added, changed, retired


def gaps(site: SiteModel) -> list[Gap]:
    """Each strand, level and area that no running service covers, in the vocabularies'
    order, by the terms' names."""
    terms = site.terms
    found = []
    for strand, levels in site.grid.items():
        for level, services in levels.items():
            covered = {a for s in services for a in s.areas}
            for area in terms.areas:
                if area not in covered:
                    found.append(
                        Gap(terms.strands[strand].name, terms.levels[level].name,
                            terms.areas[area].name)
                    )  # fmt: skip
    return found


def figures(site: SiteModel, year: int, history: History | None) -> Figures:
    """The year's figures from ``site`` (built for the report's day) and ``history``."""
    services = site.services
    names = {s.id: s.name for s in services}

    def named(ids: list[str], side: dict[str, dict[str, Any]]) -> tuple[str, ...]:
        return tuple(names.get(i) or str(side.get(i, {}).get("name") or i) for i in ids)

    if history is not None:
        added, changed, retired = changes(history)
        moved = (
            named(added, history.after),
            named(changed, history.after),
            named(retired, history.before),
        )
    else:
        moved = ((), (), ())
    surveys = []
    for survey in site.surveys:
        if survey.opens.year > year or survey.closes.year < year:
            continue
        if survey.outcome is not None:
            outcome = f"published on {long_date(survey.outcome.published)}"
        else:
            outcome = "missing" if survey.closes < site.today else "not due yet"
        surveys.append(SurveyLine(survey.title, survey.kind, survey.opens, survey.closes, outcome))
    comments = [c for c in site.records.get("comment", []) if in_year(c.received, year)]
    themes = Counter(c.theme_words for c in comments)
    statuses = Counter(c.status_words for c in comments)
    return Figures(
        year=year,
        day=site.today,
        history=history is not None,
        added=moved[0],
        changed=moved[1],
        retired=moved[2],
        not_running=tuple(s.name for s in services if s.status != "active"),
        reviewed=tuple(s.name for s in services if in_year(s.last_reviewed, year)),
        overdue=tuple(s.name for s in services if s.is_out_of_date),
        surveys=tuple(surveys),
        themes=dict(themes.most_common()),
        statuses=dict(statuses.most_common()),
        gaps=tuple(gaps(site)),
    )


# --- the history, from git ------------------------------------------------------------


def _git(root: Path, *args: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(
            [git, "-C", str(root), *args], capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def history(root: Path, year: int) -> History | None:
    """The services before the year and at its end, from git; ``None`` when ``root`` is not
    in a git repository with commits (the report then says history is not available)."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None or _git(root, "rev-parse", "--verify", "-q", "HEAD") is None:
        return None
    try:
        data = (root.resolve() / "data").relative_to(Path(top.strip()).resolve()).as_posix()
    except ValueError:
        return None
    return History(
        _services_at(root, _last_before(root, year), data),
        _services_at(root, _last_before(root, year + 1), data),
    )


def _last_before(root: Path, year: int) -> str | None:
    found = _git(root, "rev-list", "-1", f"--before={year}-01-01T00:00:00+00:00", "HEAD")
    return (found.strip() or None) if found is not None else None


def _services_at(root: Path, rev: str | None, data: str) -> dict[str, dict[str, Any]]:
    """The services typed in ``data/services.yaml`` and the services folder at ``rev``."""
    if rev is None:
        return {}
    key = kinds.kind("service").key
    listed = _git(root, "ls-tree", "-r", "--name-only", rev, "--", f"{data}/{key}.yaml",
                  f"{data}/{key}")  # fmt: skip
    found: dict[str, dict[str, Any]] = {}
    for path in (listed or "").splitlines():
        if not path.endswith(".yaml"):
            continue
        text = _git(root, "show", f"{rev}:{path}")
        try:
            loaded = yaml.safe_load(text or "")
        except yaml.YAMLError:
            continue  # a file that did not parse then: its services are not counted
        records = loaded.get(key) if isinstance(loaded, dict) else None
        for record in records if isinstance(records, list) else []:
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                found[record["id"]] = record
    return found


# --- the page -------------------------------------------------------------------------


def year_of(value: str, today: date) -> int:
    """``--year`` as a year the records can report on, or ``DataError`` saying why not."""
    text = value.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        message = f"'{value}' is not a year written as four digits, such as {today.year}"
    elif not 1970 <= int(text) <= today.year:
        message = f"{text} is not a year from 1970 to this one ({today.year})"
    else:
        return int(text)
    raise DataError([Problem("--year", 1, "", message)])


def write_report(root: Path, year: int, today: date, out: Path | None = None) -> Path:
    """Write the report for ``year`` (as of 31 December, or ``today`` if earlier) to
    ``out`` (default ``build/report-YEAR.html``); return where it went."""
    day = min(date(year, 12, 31), today)
    project = validate(load_all(root))
    site = build_model(project, day)
    found = figures(site, year, history(root, year))
    env = environment(root)
    html = env.get_template("builtin/report.html").render(
        report=found, site=project.site, long_date=long_date
    )
    target = out if out is not None else root / "build" / f"report-{year}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return target
