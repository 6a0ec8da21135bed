"""Stage 3: the site model, the validated records as the site shows them on one day.

Facts that follow from the records and the day (a service out of date, a survey open, the
current stage of the timeline) are properties here, worked out once, so templates only lay
out what the model already knows and no rule is written twice.
"""

from __future__ import annotations

import heapq
import html as htmllib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any, Literal

from . import kinds, models
from .validate import Project

_FORMATS = {
    ".md": "Web page",
    ".pdf": "PDF",
    ".docx": "Word document",
    ".odt": "OpenDocument",
    ".xlsx": "Excel spreadsheet",
    ".csv": "CSV spreadsheet",
    ".txt": "Plain text",
}


#: A cost that says the service is free: "Free", "Free. Equipment is lent…", "No charge".
_FREE = re.compile(r"(free|no charge|no cost|nothing)\b", re.IGNORECASE)
#: What a page says where the data does not hold a fact families need.
ASK = "Ask the service"


def long_date(value: date) -> str:
    """A date as the pages write it: 20 November 2026."""
    return f"{value.day} {value:%B %Y}"


class ShownService(models.Service):
    """A service on the day the site is built for."""

    today: date
    review_months: int
    #: The audiences that are families (``families_of``), and of those the children and
    #: young people who read their own page (``reading: child``).
    families: frozenset[str]
    children: frozenset[str]

    @property
    def for_families(self) -> bool:
        """Whether any of its audiences is families: a service only for staff is never
        offered to families as one they can ask for themselves."""
        return not self.families.isdisjoint(self.audiences)

    @property
    def through_staff(self) -> bool:
        """Whether families reach it only through staff: it is for staff and for children,
        but not for parents and carers (a programme a class teacher runs). Staff may ask
        for it themselves; a family asks the staff who work with their child."""
        mine = set(self.audiences)
        return not (mine & self.families) - self.children and bool(mine - self.families)

    @property
    def review_due(self) -> date:
        return self.review_due_after(self.review_months)

    @property
    def is_out_of_date(self) -> bool:
        """Past its review date: the page tells visitors to check before they go."""
        return self.review_due < self.today

    @property
    def is_running(self) -> bool:
        """Offered now. A service that is not keeps its page, but lists leave it out and
        nothing offers to contact it."""
        return self.status == "active"

    @property
    def status_words(self) -> str | None:
        """The status in families' words; nothing for a service that is running."""
        return _STATUS_WORDS[self.status]

    @property
    def one_line(self) -> str:
        """What the service is, in one line: its ``summary``, or its description's first
        sentence."""
        if self.summary:
            return self.summary
        described = self.description
        html = described.html if isinstance(described, models.Prose) else described
        text = " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())
        first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
        return first if len(first) <= 200 else first[:199].rsplit(" ", 1)[0] + "…"

    @property
    def is_free(self) -> bool:
        """Free to families, as its ``cost`` says: what the directory's cost filter asks
        (a cost nobody gave is not free)."""
        return self.cost is not None and _FREE.match(self.cost.strip()) is not None

    @property
    def cost_words(self) -> str:
        """What it costs, or what to do when the data does not say."""
        return self.cost or ASK

    @property
    def ages_known(self) -> bool:
        return self.min_age is not None or self.max_age is not None

    @property
    def age_range(self) -> str:
        low, high = self.min_age, self.max_age
        if low is None and high is None:
            return ASK
        if low is None:
            return f"Up to {high} years"
        if high is None:
            return f"From {low} years"
        return f"{low} to {high} years"

    def who_for(self, audiences: str) -> str:
        """A card's "Who for": the ages, when given, and the audiences' names."""
        if self.ages_known:
            return f"{self.age_range}; {audiences}"
        return f"{audiences}; ages: ask the service"

    @property
    def families_can_refer(self) -> bool:
        """Whether a family can ask for it themselves, with no referral: never for a
        service that is not running or that is only for staff."""
        if not self.is_running or not self.for_families or self.through_staff:
            return False
        return self.access.self_referral

    @property
    def refer_yourself(self) -> str:
        """The answer to "Can you refer yourself?", from the data alone."""
        if not self.is_running:
            return "No: the service is not running"
        referral: bool | None = self.access.self_referral  # None would be: not given
        if referral is None:
            return ASK
        if not referral:
            return "No"
        if not self.for_families:
            return "Staff can ask for it themselves; it is not a service for families"
        if self.through_staff:
            return (
                "Staff can ask for it themselves; families, ask the staff who work with your child"
            )
        return "Yes"


_STATUS_WORDS: dict[str, str | None] = {
    "active": None,
    "inactive": "Not running at the moment",
    "temporarily closed": "Closed for now",
    "defunct": "No longer running",
}


class ShownSurvey(models.Survey):
    """A survey, consultation or event on the day the site is built for."""

    today: date

    @property
    def state(self) -> Literal["upcoming", "open", "closed"]:
        if self.today < self.opens:
            return "upcoming"
        return "open" if self.today <= self.closes else "closed"


#: A comment's theme, status and channel in families' words ("You said, we did"); each
#: status's tag (the ``lo-status`` modifier) and the heading its answer goes under.
_THEME_WORDS = {
    "content": "What this website tells you",
    "gaps": "Help that is missing",
    "accessibility": "Finding and using the information",
    "development": "How the offer is planned and developed",
    "service": "Our services",
}
_COMMENT_STATUS = {
    "planned": ("Planned", "upcoming", "What we will do"),
    "in progress": ("Under way", "current", "What we will do"),
    "done": ("Done", "done", "We did"),
    "not possible": ("Not possible", "closed", "Why we cannot"),
}
_CHANNEL_WORDS = {
    "survey": "in a survey",
    "consultation": "in a consultation",
    "event": "at an event",
    "email": "by email",
    "phone": "by phone",
    "letter": "by letter",
    "feedback form": "on a feedback form",
    "social media": "on social media",
    "other": "",
}


class ShownComment(models.Comment):
    """A comment and its answer as "You said, we did" shows them."""

    @property
    def theme_words(self) -> str:
        return _THEME_WORDS[self.theme]

    @property
    def status_words(self) -> str:
        return _COMMENT_STATUS[self.status][0]

    @property
    def status_tag(self) -> str:
        """The modifier of its ``lo-status`` tag: ``lo-status--done``."""
        return _COMMENT_STATUS[self.status][1]

    @property
    def answer_heading(self) -> str:
        """What the answer is under: "We did", "What we will do" or "Why we cannot"."""
        return _COMMENT_STATUS[self.status][2]

    @property
    def told_us(self) -> str:
        """When and how it reached us: "Told us by email in March 2026"."""
        how = _CHANNEL_WORDS[self.channel]
        return f"Told us {how + ' ' if how else ''}in {self.received:%B %Y}"


class ShownStage(models.Stage):
    """A stage of the timeline, numbered from 1, on the day the site is built for."""

    today: date
    number: int

    @property
    def state(self) -> Literal["done", "current", "next"]:
        if self.today < self.start:
            return "next"
        return "done" if self.end is not None and self.today > self.end else "current"


@dataclass(frozen=True)
class FileInfo:
    """What a download link must say: type and size (GOV.UK guidance)."""

    kind: str
    size: str | None


def file_info(path: str, size: int | None) -> FileInfo:
    suffix = PurePosixPath(path).suffix.lower()
    kind = _FORMATS.get(suffix, suffix.lstrip(".").upper() or "File")
    if size is None or suffix == ".md":
        return FileInfo(kind, None)  # a page of the site, not a download
    if size < 1024:
        return FileInfo(kind, f"{size} bytes")
    if size < 1024 * 1024:
        return FileInfo(kind, f"{size / 1024:.1f} KB")
    return FileInfo(kind, f"{size / 1024 / 1024:.1f} MB")


class Terms:
    """Lookup of vocabulary terms by id, for templates: ``terms.levels['universal']``."""

    disciplines: dict[str, models.Term]
    strands: dict[str, models.Term]
    levels: dict[str, models.Term]
    audiences: dict[str, models.AudienceTerm]
    areas: dict[str, models.Term]
    needs: dict[str, models.Term]
    delivery: dict[str, models.Term]

    def __init__(self, vocabularies: models.Vocabularies) -> None:
        for name, terms in vocabularies.by_id().items():
            setattr(self, name, terms)

    @staticmethod
    def names(lookup: dict[str, Any], ids: Iterable[str], plain: bool = False) -> str:
        """The terms' names; with ``plain``, in families' words where the term has them."""
        return ", ".join((plain and lookup[i].plain) or lookup[i].name for i in ids)


@dataclass(frozen=True)
class SiteModel:
    """Everything the pages show, for one day: records in display order, with their facts."""

    project: Project
    today: date
    #: Each kind's records (``kinds.KINDS``) by the kind's name, as shown on the day, in
    #: the kind's order: services by name, updates and documents newest first, surveys by
    #: opening date, the stages as typed.
    records: dict[str, list[Any]]
    terms: Terms = field(repr=False)

    @property
    def services(self) -> list[ShownService]:
        return self.records["service"]

    @property
    def updates(self) -> list[models.Update]:
        return self.records["update"]

    @property
    def surveys(self) -> list[ShownSurvey]:
        return self.records["survey"]

    @property
    def documents(self) -> list[models.Document]:
        return self.records["document"]

    @property
    def timeline(self) -> list[ShownStage]:
        return self.records["stage"]

    @property
    def settings(self) -> models.Settings:
        return self.project.site

    @cached_property
    def current_stage(self) -> ShownStage | None:
        return next((s for s in self.timeline if s.state == "current"), None)

    @cached_property
    def next_stage(self) -> ShownStage | None:
        """The first stage still to come."""
        return next((s for s in self.timeline if s.state == "next"), None)

    @cached_property
    def running(self) -> list[ShownService]:
        """The services offered now, by name: what lists show."""
        return [s for s in self.services if s.is_running]

    @cached_property
    def not_running(self) -> list[ShownService]:
        """The services stopped or closed for now, by name: listed apart, when asked for."""
        return [s for s in self.services if not s.is_running]

    @cached_property
    def running_number(self) -> dict[str, int]:
        """Each running service's place in the A to Z list of running services, from 1."""
        return {s.id: n for n, s in enumerate(self.running, 1)}

    def similar(self, service: ShownService, most: int = 5) -> list[ShownService]:
        """Running services that may help instead of ``service``: the same discipline, for
        one of its audiences (and for families, if it is), in one of its areas; those that
        share its needs, then its levels, first."""
        needs, levels = set(service.needs), set(service.levels)
        areas, audiences = set(service.areas), set(service.audiences)
        for_families = self._for_families if service.for_families else None
        found = [
            s
            for s in self.running_by_discipline.get(service.discipline, ())
            if s.id != service.id
            and (for_families is None or s.id in for_families)
            and not areas.isdisjoint(s.areas)
            and not audiences.isdisjoint(s.audiences)
        ]
        return heapq.nsmallest(  # as sorted(…)[:most], in one pass
            most,
            found,
            key=lambda s: (-len(needs.intersection(s.needs)), -len(levels.intersection(s.levels))),
        )

    def similar_reads(self, service: ShownService) -> tuple[object, ...]:
        """Everything ``similar(service)`` reads, and nothing else: what a page's key holds
        instead of its answer (``render._Made``), which costs more to work out. Change
        it with ``similar``."""
        return (service, self.running_by_discipline.get(service.discipline, ()))

    @cached_property
    def _for_families(self) -> set[str]:
        """The running services for families (``ShownService.for_families``), by id."""
        return {s.id for s in self.running if s.for_families}

    @cached_property
    def running_by_discipline(self) -> dict[str, tuple[ShownService, ...]]:
        """The running services of each discipline, by name: what ``similar`` chooses from
        (tuples: a page's key digests each once a run, ``depends.Digests``)."""
        found: dict[str, list[ShownService]] = {}
        for service in self.running:
            found.setdefault(service.discipline, []).append(service)
        return {name: tuple(services) for name, services in found.items()}

    @cached_property
    def survey_groups(self) -> dict[str, list[ShownSurvey]]:
        """Surveys open now, coming and closed (most recent outcome first)."""
        groups: dict[str, list[ShownSurvey]] = {"open": [], "upcoming": [], "closed": []}
        for survey in self.surveys:
            groups[survey.state].append(survey)
        groups["closed"].reverse()
        return groups

    @cached_property
    def grid(self) -> dict[str, dict[str, list[ShownService]]]:
        """The Balanced System® grid: services by strand, then level (each service placed
        in its own cells, not every cell searched for services); running services only."""
        cells: dict[str, dict[str, list[ShownService]]] = {
            strand: {level: [] for level in self.terms.levels} for strand in self.terms.strands
        }
        for service in self.running:
            for strand in dict.fromkeys(service.strands):
                for level in dict.fromkeys(service.levels):
                    cells[strand][level].append(service)
        return cells

    @cached_property
    def files(self) -> dict[str, FileInfo]:
        """Type and size of each document held in content/, by document id."""
        found = {}
        for d in self.documents:
            if d.file:
                item = self.project.content.get(d.file)
                found[d.id] = file_info(d.file, len(item) if isinstance(item, bytes) else None)
        return found

    def by_discipline(
        self, chosen: list[ShownService]
    ) -> list[tuple[models.Term, list[ShownService]]]:
        """``chosen`` grouped by discipline, in the vocabulary's order, each group in the
        order given (the work grows with ``chosen``, not with the disciplines: an audience
        page calls this, and there may be many of both)."""
        groups: dict[str, list[ShownService]] = {}
        for service in chosen:
            groups.setdefault(service.discipline, []).append(service)
        order = self._discipline_order
        return [
            (self.terms.disciplines[d], groups[d]) for d in sorted(groups, key=order.__getitem__)
        ]

    def open_first(
        self, chosen: Iterable[ShownService], families: bool = True
    ) -> list[ShownService]:
        """``chosen`` in the order a family needs them: services for families before those
        only for staff, those anyone can ask for now (no referral) before those that need
        one, the universal offer before targeted and specialist help; then A to Z. With
        ``families=False`` (a page for staff), those staff can ask for themselves first."""
        levels = self._level_order

        def rank(s: ShownService) -> tuple[bool, bool, int, str]:
            direct = s.families_can_refer if families else bool(s.access.self_referral)
            level = min((levels[i] for i in s.levels), default=len(levels))
            return (families and not s.for_families, not direct, level, s.name.lower())

        return sorted(chosen, key=rank)

    @cached_property
    def _level_order(self) -> dict[str, int]:
        return {t.id: n for n, t in enumerate(self.project.vocabularies.levels)}

    @cached_property
    def _discipline_order(self) -> dict[str, int]:
        return {t.id: n for n, t in enumerate(self.project.vocabularies.disciplines)}

    def for_audience(self, audience: str) -> dict[str, list[Any]]:
        """The records of every kind with audiences (running services only) for
        ``audience``, by the kind's key, in display order: the services ``open_first``."""
        return self._by_audience.get(audience) or {k.key: [] for k in _for_audiences()}

    @cached_property
    def _by_audience(self) -> dict[str, dict[str, list[Any]]]:
        """Each audience's records, sorted out once rather than once a page."""
        found: dict[str, dict[str, list[Any]]] = {}
        for kind in _for_audiences():
            shown = self.running if kind.name == "service" else self.records[kind.name]
            for record in shown:
                for audience in dict.fromkeys(record.audiences):
                    mine = found.setdefault(audience, {k.key: [] for k in _for_audiences()})
                    mine[kind.key].append(record)
        families = families_of(self.project.vocabularies)
        for audience, mine in found.items():
            key = kinds.kind("service").key
            mine[key] = self.open_first(mine[key], audience in families)
        return found


def _for_audiences() -> list[kinds.Kind]:
    """The kinds an audience's page gathers: those whose records name their audiences."""
    return [k for k in kinds.KINDS if "audiences" in k.model.model_fields]


def families_of(vocabularies: models.Vocabularies) -> set[str]:
    """The audiences that are families (parents, carers, children, young people), not
    staff: those whose pages are written for them, in plain words or for children to
    read. An area that marks none of its audiences so has not said which are staff, and
    every audience is taken to be families."""
    marked = {a.id for a in vocabularies.audiences if a.plain_words or a.reading == "child"}
    return marked or {a.id for a in vocabularies.audiences}


def build_model(project: Project, today: date) -> SiteModel:
    """The site on ``today``: each kind's records, each with the facts that day gives it
    (where the site model has a class for the kind), in the kind's order."""
    facts = {
        "today": today,
        "review_months": project.site.review_months,
        "families": frozenset(families_of(project.vocabularies)),
        "children": frozenset(a.id for a in project.vocabularies.audiences if a.reading == "child"),
    }
    records = {}
    for kind in kinds.KINDS:
        view = _VIEWS.get(kind.model)
        shown = [
            _on_the_day(view, record, {**facts, "number": number}) if view else record
            for number, record in enumerate(project.records[kind.name], 1)
        ]
        if kind.order is not None:
            shown.sort(key=kind.order, reverse=kind.newest_first)
        records[kind.name] = shown
    return SiteModel(
        project=project, today=today, records=records, terms=Terms(project.vocabularies)
    )


#: The site model's class for a record kind's model, where the day adds facts to it.
_VIEWS: dict[type[models.Record], type[models.Record]] = {
    models.Service: ShownService,
    models.Survey: ShownSurvey,
    models.Stage: ShownStage,
    models.Comment: ShownComment,
}


def _on_the_day(view: type[models.Record], record: models.Record, facts: dict[str, Any]) -> Any:
    """``record`` as ``view``, with the facts of the day it declares (validated already)."""
    made = view.model_construct(
        **dict(record), **{k: v for k, v in facts.items() if k in view.model_fields}
    )
    made._locate = record._locate  # still knows where it was typed
    return made
