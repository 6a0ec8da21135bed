"""The registry of record kinds: everything the generator knows about a kind of record, in
one entry, from which every stage takes what it needs.

``load`` reads each kind's file (and its folder, where it may have one); ``validate`` checks
the records against the kind's model and the model's own rules across records
(``Record.across``); ``schema`` writes the file's JSON Schema; the site model orders the
records for the day; ``routes`` gives each record its page and the kind's list its place in
the menu; ``new`` asks for a record's fields. So adding a kind of record is one entry here,
a model in ``models`` and its templates: tests/test_registry.py adds one that way.

Files that hold one record rather than a list (``site.yaml``, ``vocabularies.yaml``,
``accessibility.yaml``, ``coverage.yaml``) are settings, not kinds: ``SETTINGS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from pydantic import Field, create_model

from . import models


@dataclass(frozen=True)
class Question:
    """One value ``new`` asks for: where it goes in the record (dotted, as in ``--set``),
    the question, and what pressing Enter means if the field may be left out. What it is
    (text, yes or no, a date, ids of a vocabulary…) and whether it is required come from
    the model. A list of records (``locations``) asks its ``parts`` for each record, and
    ``more`` for the first part of the second and later ones."""

    path: str
    question: str
    blank: str = ""
    parts: tuple[Question, ...] = ()
    more: str = ""


@dataclass(frozen=True)
class Kind:
    """A kind of record, and where each stage finds it."""

    name: str  # one record: ``new service``, and a record page's template variable
    key: str  # the list's key in its file, the file's name and the template variable of all
    model: type[models.Record]
    items: str  # what the list holds, for the schema: "services", "stages in order"
    about: str  # what the file is, for the schema
    required: bool = False
    #: ``data/<key>/`` may hold more files of the kind (a large offer keeps one a provider).
    folder: bool = False
    #: The order the site shows the records in (``None``: as typed), and whether reversed.
    order: Callable[[Any], Any] | None = None
    newest_first: bool = False
    page: str | None = None  # each record's page, such as ``services/{id}.md``
    template: str | None = None  # the record page's template
    #: The page that lists them, and its template; it goes in the menu's project section.
    listing: tuple[str, str] | None = None
    #: What ``new`` asks (by default each field of the model, by its description), the
    #: field a new record's id is made from, and the fields ``new`` sets to today.
    questions: tuple[Question, ...] = ()
    named_by: str = "title"
    fixed: tuple[tuple[str, str], ...] = ()

    @property
    def file(self) -> str:
        return f"{self.key}.yaml"

    @property
    def fields(self) -> tuple[Question, ...]:
        """What ``new`` asks, in order."""
        if self.questions:
            return self.questions
        fixed = dict(self.fixed)
        return tuple(
            Question(name, (info.description or name).split("\n")[0])
            for name, info in self.model.model_fields.items()
            if name != "id" and name not in fixed
        )

    @property
    def file_model(self) -> type[models.Record]:
        return _file_model(self)


@cache
def _file_model(kind: Kind) -> type[models.Record]:
    """The model of the kind's data file: its list of records under ``kind.key``."""
    folder = f", or a file of data/{kind.key}/" if kind.folder else ""
    items: Any = (
        list[kind.model],  # type: ignore[name-defined]
        Field(default=[], description=f'The {kind.items}, one per item starting "- id:".'),
    )
    made = create_model(
        f"{kind.key.title()}File",
        __base__=models.Record,
        __doc__=f"data/{kind.file}{folder}: {kind.about}.",
        **{kind.key: items},
    )
    return made


_REACH = "at least one of phone, email or web is needed; press Enter to leave this one out"
_CHECKED = "set by `new`: the day you checked the details with the service"
_PUBLISHED = "set by `new`: the day it is published"

#: Every kind of record, in the order of the menu (and of reading, checking and schemas).
KINDS: tuple[Kind, ...] = (
    Kind("service", "services", models.Service, "services", "services of the offer",
         required=True, folder=True, order=lambda s: s.name.lower(),
         page="services/{id}.md", template="service.html", named_by="name",
         fixed=(("last_reviewed", _CHECKED),), questions=(
        Question("name", "Name of the service, as families will know it"),
        Question("status", "Is it running now?",
                 "press Enter to leave it out, which means active"),
        Question("organisation", "Who runs it"),
        Question("summary", "One line about it for lists, up to 200 characters",
                 "press Enter to leave it out: lists then show the start of the description"),
        Question("description", "What it does, and what a family can expect"),
        Question("discipline", "The therapy"),
        Question("levels", "Its levels in the Balanced System®"),
        Question("strands", "Its strands in the Balanced System®"),
        Question("audiences", "Who it is for"),
        Question("needs", "Needs it helps with"),
        Question("min_age", "The youngest age it is for, in years (0 to 25)"),
        Question("max_age", "The oldest age it is for, in years (0 to 25)"),
        Question("eligibility", "Who can use it, such as Children living in Thurrock"),
        Question("access.referral_route", "How a family gets it, in a sentence or two"),
        Question("access.self_referral",
                 "Can families ask for it themselves, without a referral?"),
        Question("access.who_can_refer", "Who can refer a child, such as Health visitors, GPs"),
        Question("access.referral_form",
                 "For professionals: the web address of the referral form"),
        Question("cost", "What it costs, such as Free or £5 a session"),
        Question("contact.phone", "Phone number for families", _REACH),
        Question("contact.email", "Email address for families", _REACH),
        Question("contact.web", "Web page about it, starting https://", _REACH),
        Question("delivery", "Where it is given"),
        Question("locations", "A place where it is given: its name",
                 "press Enter if there is none to list (it is given online or at home, say)",
                 parts=(Question("name", "Its name"),
                        Question("address", "Its address"),
                        Question("postcode", "Its postcode"),
                        Question("accessibility",
                                 "Getting in: step-free access, parking, a hearing loop…")),
                 more="Another place where it is given: its name"),
        Question("opening_times", "When it is open, such as Tuesdays, 9.30am to 12 noon"),
        Question("areas", "The areas it covers"),
    )),
    Kind("stage", "timeline", models.Stage, "stages in order", "the stages of the project",
         listing=("timeline.md", "timeline.html"), questions=(
        Question("title", "Title"),
        Question("start", "The day it starts"),
        Question("end", "The day it ends", "press Enter to leave it out while it goes on"),
        Question("summary", "What happens in this stage"),
        Question("steps", "Its steps, such as Ask families, Write the plan"),
    )),
    Kind("update", "updates", models.Update, "updates", "the project's news",
         order=lambda u: (u.date, u.id), newest_first=True,
         page="updates/{id}.md", template="update.html",
         listing=("updates/index.md", "updates.html"),
         fixed=(("date", _PUBLISHED),), questions=(
        Question("title", "Title of the update"),
        Question("summary", "One or two sentences for the list of updates"),
        Question("body", "The update itself"),
        Question("audiences", "Who it is for"),
    )),
    Kind("survey", "surveys", models.Survey, "surveys, consultations and events",
         "surveys, consultations and events", order=lambda s: (s.opens, s.id),
         listing=("surveys.md", "surveys.html"), questions=(
        Question("title", "Title"),
        Question("kind", "What it is", "press Enter to leave it out, which means survey"),
        Question("summary", "What it is about, and who it is for"),
        Question("link", "Web address where people take part, starting https://"),
        Question("opens", "The day it opens"),
        Question("closes", "The day it closes"),
        Question("audiences", "Who it is for"),
        Question("other_ways",
                 "How to take part without the internet, such as by phone or on paper"),
    )),
    Kind("document", "documents", models.Document, "documents", "the project's documents",
         order=lambda d: (d.date, d.id), newest_first=True,
         listing=("documents.md", "documents.html"),
         fixed=(("date", _PUBLISHED),), questions=(
        Question("title", "Title"),
        Question("summary", "What it is about"),
        Question("audiences", "Who it is for"),
        Question("file", "A page or file in content/, such as documents/plan.pdf",
                 "press Enter if it is kept on another website"),
        Question("url", "Web address of the document, starting https://",
                 "press Enter if you gave a page or file in content/"),
        Question("format", "Its format, such as PDF"),
        Question("size", "Its size, such as 1.4 MB"),
        Question("pages", "How many pages it has, for a PDF"),
    )),
    Kind("comment", "comments", models.Comment, "comments and your answers",
         "comments on the offer and your answers, published as \"You said, we did\" "
         "(regulation 56)",
         order=lambda c: (models.THEMES.index(c.theme), -c.received.toordinal(), c.id),
         listing=("you-said-we-did.md", "you-said-we-did.html"), named_by="said",
         fixed=(("published", _PUBLISHED),), questions=(
        Question("received", "The day the comment reached you"),
        Question("channel", "How it reached you"),
        Question("theme", "What it is about"),
        Question("about", "The services it is about: their ids, such as speech-advice-line",
                 "press Enter to leave it out; it is needed when the theme is service"),
        Question("said", "The comment in the family's own words, with no names or contact "
                 "details"),
        Question("response", "Your answer, in plain words"),
        Question("action", "What you will do, or did, about it",
                 "press Enter if there is nothing to do"),
        Question("status", "Where the action is"),
        Question("reason", "Why it cannot be done",
                 "press Enter to leave it out; it is needed when the status is not possible"),
        Question("due", "The day the action will be done by",
                 "press Enter to leave it out"),
        Question("done_on", "The day it was done",
                 "press Enter to leave it out; it is needed when the status is done"),
    )),
)  # fmt: skip

#: The files that hold one record: their model, and whether a project must have them
#: (without ``accessibility.yaml``, ``content/accessibility.md`` is the statement).
SETTINGS: dict[str, tuple[type[models.Record], bool]] = {
    "site.yaml": (models.SiteFile, True),
    "vocabularies.yaml": (models.VocabulariesFile, True),
    "accessibility.yaml": (models.AccessibilityFile, False),
    "coverage.yaml": (models.CoverageFile, False),  # what answers Schedule 2
}


def kind(name: str) -> Kind:
    """The kind called ``name`` (``service``)."""
    return next(k for k in KINDS if k.name == name)


def of_file(file: str) -> Kind | None:
    """The kind whose records ``file`` (``services.yaml``) holds, if any."""
    return next((k for k in KINDS if k.file == file), None)


def files() -> Mapping[str, tuple[type[models.Record], bool]]:
    """Every data file, its model and whether it is required, in the order they are read
    (the vocabularies before the records whose terms they define)."""
    return _files(KINDS)


@cache
def _files(registry: tuple[Kind, ...]) -> Mapping[str, tuple[type[models.Record], bool]]:
    """``files()`` for a registry, made once (``load`` asks for each file and problem)."""
    settings = list(SETTINGS.items())
    found = settings[:2] + [(k.file, (k.file_model, k.required)) for k in registry] + settings[2:]
    return MappingProxyType(dict(found))


def folders() -> dict[str, str]:
    """The folders of ``data/`` whose ``*.yaml`` files each hold records shaped like one
    data file (``data/services/acme.yaml`` is read as a ``services.yaml``)."""
    return {k.key: k.file for k in KINDS if k.folder}
