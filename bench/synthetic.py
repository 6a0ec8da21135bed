"""A synthetic Local Offer project of any size: realistic, varied, and the same every time.

``write_project(root, services, seed=0)`` copies this repository's sample settings
(``data/site.yaml``, ``vocabularies.yaml``, ``timeline.yaml``, ``updates.yaml``,
``documents.yaml``, ``surveys.yaml``, ``accessibility.yaml`` and ``content/``) into
``root`` and writes ``services`` invented services into ``data/services/<provider>.yaml``,
one file per invented provider with about 50 to 200 services each (every file far below
the 2 MB limit a data file has).
Updates, documents and surveys grow in proportion: one more of each for every 20, 50 and
100 services.
Every field of a service is filled and varied; term ids come from the copied
``vocabularies.yaml``, so nothing here names an area, level or discipline. Phone numbers
are in Ofcom's drama ranges, web and email addresses on example.org, and review dates are
set against 23 November 2026 (the tests' "today"): about one in ten is overdue.

The same ``services``, ``seed`` and sample files give the same bytes: one seeded
``random.Random`` draws everything, in a fixed order.

From the command line::

    python bench/synthetic.py OUT_DIR N [--seed S] [--buildable]

``bench/`` holds scripts, not a package: tests load this file by its path (see
``tests/test_scale_data.py``), and it needs only PyYAML, not the generator.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
#: The day review dates are set against (the tests' "today").
TODAY = date(2026, 11, 23)
#: The sample's files that are copied as they are.
COPIED = ("site.yaml", "vocabularies.yaml", "timeline.yaml", "updates.yaml", "documents.yaml",
          "surveys.yaml", "accessibility.yaml")  # fmt: skip
#: Services a provider's file holds, when there are enough services to go round.
PER_FILE = (50, 200)
MAX_ID = 60
#: One update, document and survey for this many services, on top of the sample's own: a
#: county's news, reports and consultations grow with its offer.
UPDATE_EVERY, DOCUMENT_EVERY, SURVEY_EVERY = 20, 50, 100

# --- words ----------------------------------------------------------------------------------

_TOWN_START = ("Ash", "Bram", "Brook", "Clay", "Elm", "Fen", "Hal", "Hart", "Kings", "Lang",
               "Mar", "Mill", "North", "Oak", "Pen", "Red", "Rush", "Stan", "Thorn", "Wal",
               "West", "Whit", "Wick", "Wood", "Bar", "Cold", "Dun", "Gold")  # fmt: skip
_TOWN_END = ("bury", "combe", "den", "field", "ford", "ham", "hurst", "ley", "mere", "stead",
             "ton", "well", "wick", "worth", "brook", "gate")  # fmt: skip
_PROVIDER_KINDS = (
    "Children's Therapy Partnership", "Community Health Services (sample NHS trust)",
    "Family Hubs (sample council service)", "Speech and Language CIC",
    "Paediatric Therapies (sample company)", "Child Development Trust",
    "Parent Carer Forum", "Inclusion Service (sample council service)",
    "Early Years Alliance", "Sensory Play (sample charity)", "Schools Therapy Team",
    "Children's Centre Network", "Movement and Play Trust", "Young People's Health Service",
)  # fmt: skip
_FORMATS = (
    "support group", "drop-in", "clinic", "advice line", "workshop", "training for staff",
    "programme", "assessment service", "parent course", "coaching sessions", "outreach team",
    "holiday club", "online course", "consultation line", "therapy groups", "home visits",
)  # fmt: skip
_NAME_SHAPES = (
    "{town} {topic} {format}",
    "{Topic} {format} in {town}",
    "{Format} for {topic}, {town}",
    "{town} {format}: {topic}",
    "{Topic} {format} ({town})",
)
_OPENINGS = (
    "A {format} for {who} in and around {town}, run by {provider}.",
    "{Provider} runs this {format} for {who} who need help with {topic}.",
    "This {format} helps {who} with {topic}, close to home in {town}.",
    "Friendly, practical help with {topic} for {who}, from {provider}.",
    "Our {format} in {town} is for {who} who would like support with {topic}.",
)
_MIDDLES = (
    "A therapist listens to what matters to you and your child, and together you agree "
    "on small, practical goals.",
    "Sessions are relaxed and playful. You will leave with ideas to try at home, at "
    "nursery or at school.",
    "You do not need a diagnosis to come along. Many families come with a question and "
    "leave with a plan.",
    "Staff work closely with early years settings, schools and colleges so that the same "
    "ideas are used wherever the child is.",
    "We can arrange an interpreter, and information in easy read, large print or other languages.",
    "Brothers and sisters are welcome. There is space for buggies and a quiet corner for "
    "children who find busy rooms hard.",
    "Most children come for a short block of sessions; some come back later when things change.",
    "If more help is needed, the team explains the next steps and can refer on to "
    "specialist services.",
    "Sessions last about an hour. Please arrive a few minutes early on your first visit.",
    "Parents and carers tell us the most useful part is meeting other families in the "
    "same situation.",
)
_LIST_INTROS = ("### What to expect", "### What happens", "What we offer:", "### How it works",
                "You can expect:")  # fmt: skip
_LIST_ITEMS = (
    "a first conversation, by phone or video, to understand what you need",
    "a visit to your child's nursery, school or college if it helps",
    "games and activities to practise at home",
    "a short written plan, shared with you and, if you agree, your child's setting",
    "a review after six to eight weeks",
    "advice for teachers and teaching assistants",
    "loan of equipment while it is needed",
    "signposting to local groups and charities",
    "training for the adults who spend the most time with your child",
    "a named contact you can call with questions",
)
_CLOSINGS = (
    "Read more on [our website]({web}).",
    "**Please tell us** if your child has any access needs before your first visit.",
    "*Places are limited*, so please book early.",
    "Call us if you are not sure whether this {format} is right for your child.",
    "You can find out more and book on [the booking page]({web}).",
)
_ELIGIBILITY = (
    "Children and young people aged {ages} who live in {places}.",
    "Families with a child aged {ages} in {places}. Your child does not need a diagnosis.",
    "Staff in early years settings, schools and colleges in {places}.",
    "Children and young people registered with a GP in {places} whose needs have not been "
    "met by universal support.",
    "Anyone who lives in, or works with a child in, {places}.",
    "Young people aged {ages} in {places} who would like help with {topic}.",
)
_ROUTES_SELF = (
    "Call or email to book a place. You do not need a referral.",
    "Just turn up during session times. You do not need to book.",
    "Book a place online, or ask us to book for you by phone.",
    "Fill in the short online form and we will call you back within a week.",
)
_ROUTES_REFERRED = (
    "A professional who knows the child sends a referral form, with the family's agreement.",
    "Ask your health visitor, GP or your child's SENCO to refer you.",
    "The child's therapist refers to the service after an assessment.",
    "The council's SEND team asks for advice as part of an EHC needs assessment.",
)
_REFERRERS = ("Parents and carers", "Young people", "GPs", "Health visitors", "Teachers",
              "SENCOs", "Early years staff", "School nurses", "Social workers",
              "Paediatricians", "Childminders")  # fmt: skip
_COSTS = ("£25 a session", "£10 a term", "£60 for the six-week course", "£5 a session",
          "£15 a session; free for families who get free school meals",
          "£120 for a school's training day")  # fmt: skip
_OPENING = (
    "Monday to Friday, 9am to 5pm.",
    "Term time only, weekday mornings.",
    "Tuesdays and Thursdays, 10am to 12 noon.",
    "Every other Wednesday, 4pm to 5.30pm, in term time.",
    "Saturday mornings, 9.30am to 11.30am.",
    "Monday to Thursday, 8.30am to 4.30pm; Friday until 4pm.",
    "Courses start in September, January and April.",
    "Evenings, 6pm to 8pm, once a month.",
)
_VENUES = ("Family Hub", "Health Centre", "Child Development Centre", "Library",
           "Community Centre", "Children's Centre", "Leisure Centre", "Primary School")  # fmt: skip
_STREETS = ("Larkspur Way", "Wharf Road", "Church Lane", "Station Road", "Meadow Close",
            "High Street", "Mill Lane", "Victoria Avenue", "Orchard Drive",
            "Kingfisher Road")  # fmt: skip
_ACCESS = (
    "Step-free entrance, accessible toilet and free parking.",
    "Lift to all floors and a hearing loop at reception.",
    "Step-free access. Pay and display parking nearby.",
    "Quiet room available; changing places toilet on site.",
    "Ground floor rooms, buggy park and a bus stop outside.",
)
_POSTCODE_AREAS = ("CM", "CO", "SS", "RM", "IG", "CB")
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_PHONES = ("01632 960{:03d}", "0808 157 0{:03d}", "020 7946 0{:03d}", "0113 496 0{:03d}",
           "07700 900{:03d}")  # fmt: skip
_AGE_BANDS = ((0, 5), (0, 19), (2, 11), (4, 11), (5, 16), (11, 19), (16, 25), (0, 25), (3, 7),
              (11, 18), (0, 2), (7, 14))  # fmt: skip
_STATUSES = (("active", 92), ("temporarily closed", 4), ("inactive", 3), ("defunct", 1))
_WHO = ("families", "parents and carers", "children and young people", "teachers and SENCOs",
        "early years staff", "young people")  # fmt: skip


def slug(text: str) -> str:
    """``"Ash ford: stammering"`` → ``ash-ford-stammering``: an id, or a file's name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- YAML as people write it -------------------------------------------------------------


class _Flow(list[str]):
    """A list of term ids, written on one line: ``levels: [universal, targeted]``."""


class _Dumper(yaml.SafeDumper):
    """Block style, descriptions as ``|`` blocks, never an anchor (the loader refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, _represent_flow)


# --- the records ----------------------------------------------------------------------------


class _Maker:
    """Draws every value from one seeded generator, in a fixed order."""

    def __init__(self, vocab: dict[str, Any], seed: int) -> None:
        self.rng = random.Random(seed)
        self.terms = {name: list(terms or []) for name, terms in vocab.items()}
        self.ids = {name: [t["id"] for t in terms] for name, terms in self.terms.items()}
        self.names = {
            name: {t["id"]: str(t["name"]) for t in terms} for name, terms in self.terms.items()
        }
        self.used_names: set[str] = set()
        self.used_ids: set[str] = set()
        self.count = 0  # services made so far, across providers

    def town(self) -> str:
        return self.rng.choice(_TOWN_START) + self.rng.choice(_TOWN_END)

    def provider(self, number: int, used: set[str]) -> dict[str, Any]:
        while True:
            name = f"{self.town()} {self.rng.choice(_PROVIDER_KINDS)}"
            if slug(name) not in used:
                break
        used.add(slug(name))
        disciplines = self.ids["disciplines"]
        return {
            "name": name,
            "slug": slug(name),
            "towns": [self.town() for _ in range(self.rng.randint(3, 8))],
            "discipline": disciplines[number % len(disciplines)],
        }

    def subset(self, vocabulary: str, low: int, high: int) -> _Flow:
        """Between ``low`` and ``high`` terms; over many services, every term is used."""
        ids = self.ids[vocabulary]
        if not ids:
            return _Flow()
        size = min(len(ids), self.rng.choice(range(low, high + 1)))
        if size == 0:
            return _Flow()
        chosen = {ids[self.count % len(ids)], *self.rng.sample(ids, size)}
        return _Flow(i for i in ids if i in chosen)  # in the vocabulary's order

    def update(self, number: int) -> dict[str, Any]:
        """A news item about one town's services, dated within the last three years."""
        rng, town = self.rng, self.town()
        topic = self.names["needs"][rng.choice(self.ids["needs"])].lower()
        body = (
            "\n\n".join(rng.sample(_MIDDLES, 3))
            + "\n\n### What happens next\n\n"
            + "\n".join(f"- {item}" for item in rng.sample(_LIST_ITEMS, 3))
        )
        return {
            "id": f"news-{number + 1}-{slug(town)}",
            "date": TODAY - timedelta(days=rng.randint(1, 1095)),
            "title": f"New {topic} support in {town}",
            "summary": f"Families in {town} can now get help with {topic} closer to home.",
            "body": body + "\n",
            "audiences": self.subset("audiences", 1, 4),
        }

    def document(self, number: int) -> dict[str, Any]:
        """A report kept elsewhere, as a PDF."""
        rng, town = self.rng, self.town()
        return {
            "id": f"report-{number + 1}-{slug(town)}",
            "title": f"{town} therapy services review, part {number + 1}",
            "date": TODAY - timedelta(days=rng.randint(1, 1095)),
            "summary": f"What families and schools in {town} told the project, and what changed.",
            "audiences": self.subset("audiences", 1, 4),
            "url": f"https://www.example.org/reports/{slug(town)}-{number + 1}.pdf",
            "format": "PDF",
            "size": f"{rng.randint(2, 40) / 10} MB",
            "pages": rng.randint(4, 60),
        }

    def survey(self, number: int) -> dict[str, Any]:
        """A survey, consultation or event; closed ones have published what they heard."""
        rng, town = self.rng, self.town()
        opens = TODAY + timedelta(days=rng.randint(-900, 60))
        closes = opens + timedelta(days=rng.randint(14, 90))
        record: dict[str, Any] = {
            "id": f"views-{number + 1}-{slug(town)}",
            "title": f"Tell us about therapy support in {town}",
            "kind": rng.choice(("survey", "consultation", "event")),
            "summary": f"Share what works and what could be better for children in {town}.",
            "link": f"https://www.example.org/have-your-say/{slug(town)}-{number + 1}",
            "opens": opens,
            "closes": closes,
            "audiences": self.subset("audiences", 1, 4),
            "other_ways": "Call 01632 960100 to take part by phone or ask for a paper copy.",
        }
        if closes < TODAY - timedelta(days=30):
            record["outcome"] = {
                "published": closes + timedelta(days=28),
                "heard": [f"Families in {town} wanted shorter waits for a first appointment."],
                "changed": [f"An advice line for {town} now answers the same day."],
            }
        return record

    def service(self, provider: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        town = rng.choice(provider["towns"])
        discipline = (
            provider["discipline"] if rng.random() < 0.7 else rng.choice(self.ids["disciplines"])
        )
        needs = self.subset("needs", 0, 3) if rng.random() > 0.1 else _Flow()
        topic_source = (
            self.names["needs"][rng.choice(needs)]
            if needs
            else self.names["disciplines"][discipline]
        )
        topic = topic_source.lower()
        form = rng.choice(_FORMATS)
        name = self._name(town, topic, form)
        sid = self._id(name)
        web = f"https://www.example.org/{provider['slug']}/{sid}"
        words = {"town": town, "topic": topic, "format": form, "provider": provider["name"],
                 "Provider": provider["name"], "web": web, "who": rng.choice(_WHO)}  # fmt: skip
        low, high = self._ages()
        areas = self.subset("areas", 1, len(self.ids["areas"]))
        if rng.random() < 0.35:
            areas = _Flow(self.ids["areas"])
        record: dict[str, Any] = {"id": sid, "name": name}
        if rng.random() < 0.9:
            record["summary"] = self._summary(words, low, high)
        status = rng.choices([s for s, _ in _STATUSES], [w for _, w in _STATUSES])[0]
        if status != "active":
            record["status"] = status
        record["organisation"] = provider["name"]
        record["description"] = self._description(words)
        record["discipline"] = discipline
        record["levels"] = self.subset("levels", 1, 2)
        record["strands"] = self.subset("strands", 1, 3)
        record["audiences"] = self.subset("audiences", 1, 3)
        if needs:
            record["needs"] = needs
        if low is not None:
            record["min_age"] = low
        if high is not None:
            record["max_age"] = high
        record["eligibility"] = self._eligibility(words, low, high, areas)
        record["access"] = self._access(provider)
        record["cost"] = "Free" if rng.random() < 0.8 else rng.choice(_COSTS)
        record["contact"] = self._contact(provider, topic, web)
        record["delivery"] = self.subset("delivery", 1, 3)
        if rng.random() < 0.55:
            record["locations"] = [self._location(provider) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.85:
            record["opening_times"] = rng.choice(_OPENING)
        record["areas"] = areas
        record["last_reviewed"] = self._reviewed()
        self.count += 1
        return record

    def _name(self, town: str, topic: str, form: str) -> str:
        shape = self.rng.choice(_NAME_SHAPES)
        name = shape.format(town=town, topic=topic, format=form, Topic=_cap(topic),
                            Format=_cap(form))  # fmt: skip
        name = _cap(name)
        if name in self.used_names:
            name = f"{name} {self.count:04d}"
        self.used_names.add(name)
        return name

    def _id(self, name: str) -> str:
        base = slug(name)
        if len(base) > MAX_ID - 5:
            base = base[: MAX_ID - 5].rsplit("-", 1)[0]
        sid, n = base, 2
        while sid in self.used_ids:
            sid, n = f"{base}-{n}", n + 1
        self.used_ids.add(sid)
        return sid

    def _ages(self) -> tuple[int | None, int | None]:
        low, high = self.rng.choice(_AGE_BANDS)
        shape = self.rng.random()
        if shape < 0.8:
            return low, high
        if shape < 0.88:
            return low, None
        if shape < 0.95:
            return None, high
        return None, None

    def _summary(self, words: dict[str, str], low: int | None, high: int | None) -> str:
        ages = f" (ages {low} to {high})" if low is not None and high is not None else ""
        text = f"{_cap(words['format'])} in {words['town']} helping {words['who']} with "
        return (text + f"{words['topic']}{ages}.")[:200]

    def _description(self, words: dict[str, str]) -> str:
        """Markdown prose of 150 to 1,500 characters: paragraphs, sometimes a list."""
        rng = self.rng
        target = rng.choice((rng.randint(150, 400), rng.randint(400, 900), rng.randint(900, 1500)))
        opening = rng.choice(_OPENINGS).format(**words)
        parts = [" ".join([_cap(opening), *rng.sample(_MIDDLES, 2)])]
        middles = [m for m in _MIDDLES if m not in parts[0]]
        rng.shuffle(middles)
        if rng.random() < 0.5:
            items = rng.sample(_LIST_ITEMS, rng.randint(2, 5))
            parts.append(rng.choice(_LIST_INTROS) + "\n\n" + "\n".join(f"- {i}" for i in items))
        while middles and len("\n\n".join(parts)) < target:
            parts.append(" ".join(middles.pop() for _ in range(min(2, len(middles)))))
        if rng.random() < 0.6:
            parts.append(rng.choice(_CLOSINGS).format(**words))
        while len("\n\n".join(parts)) > 1500:
            parts.pop(-2 if len(parts) > 2 else -1)
        return "\n\n".join(parts) + "\n"

    def _eligibility(
        self, words: dict[str, str], low: int | None, high: int | None, areas: list[str]
    ) -> str:
        names = [self.names["areas"][a] for a in areas]
        places = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        ages = f"{low if low is not None else 0} to {high if high is not None else 25}"
        return self.rng.choice(_ELIGIBILITY).format(ages=ages, places=places, topic=words["topic"])

    def _access(self, provider: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        self_referral = rng.random() < 0.4
        routes = _ROUTES_SELF if self_referral else _ROUTES_REFERRED
        access: dict[str, Any] = {"referral_route": rng.choice(routes)}
        if rng.random() < 0.8:
            access["who_can_refer"] = rng.sample(_REFERRERS, rng.randint(1, 5))
        access["self_referral"] = self_referral
        linked = not self_referral and rng.random() < 0.5
        if linked or "form" in access["referral_route"]:  # a route naming a form links it
            access["referral_form"] = f"https://www.example.org/{provider['slug']}/referral-form"
        return access

    def _contact(self, provider: dict[str, Any], topic: str, web: str) -> dict[str, str]:
        rng = self.rng
        contact = {}
        if rng.random() < 0.85:
            contact["phone"] = rng.choice(_PHONES).format(rng.randint(0, 999))
        if rng.random() < 0.85:
            contact["email"] = (
                f"{slug(topic)[:20].strip('-')}.{provider['slug'][:24].strip('-')}@example.org"
            )
        if rng.random() < 0.75 or not contact:
            contact["web"] = web
        return contact

    def _location(self, provider: dict[str, Any]) -> dict[str, str]:
        rng = self.rng
        town = rng.choice(provider["towns"])
        inward = f"{rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
        place = {
            "name": f"{town} {rng.choice(_VENUES)}",
            "address": f"{rng.randint(1, 120)} {rng.choice(_STREETS)}, {town}",
            "postcode": f"{rng.choice(_POSTCODE_AREAS)}{rng.randint(1, 20)} {inward}",
        }
        if rng.random() < 0.8:
            place["accessibility"] = rng.choice(_ACCESS)
        return place

    def _reviewed(self) -> date:
        if self.rng.random() < 0.1:  # more than 12 months ago: overdue for review
            return TODAY - timedelta(days=self.rng.randint(400, 1100))
        return TODAY - timedelta(days=self.rng.randint(0, 330))


def file_sizes(services: int, rng: random.Random) -> list[int]:
    """How many services each provider's file holds: ``PER_FILE`` apiece where possible."""
    low, high = PER_FILE
    if services < low:
        return [services] if services else []
    files = max(-(-services // high), min(services // low, round(services / rng.randint(90, 160))))
    sizes = [services // files + (i < services % files) for i in range(files)]
    for _ in range(files * 3):  # move services between files, within the limits
        i, j = rng.randrange(files), rng.randrange(files)
        if i != j:
            moved = rng.randint(0, max(0, min(sizes[i] - low, high - sizes[j])))
            sizes[i], sizes[j] = sizes[i] - moved, sizes[j] + moved
    return sizes


def write_project(root: Path, services: int, seed: int = 0, *, buildable: bool = False) -> Path:
    """Write a project of ``services`` synthetic services into ``root``; return ``root``.

    ``root`` may exist but must not hold ``data/`` or ``content/`` yet. With ``buildable``,
    ``mkdocs.yml`` and ``theme/`` are copied too, so the project can be built as well as
    checked.
    """
    if services < 0:
        raise ValueError("the number of services cannot be negative")
    data = root / "data"
    data.mkdir(parents=True)
    for name in COPIED:
        if (ROOT / "data" / name).is_file():
            shutil.copyfile(ROOT / "data" / name, data / name)
    shutil.copytree(ROOT / "content", root / "content")
    if buildable:
        shutil.copytree(ROOT / "theme", root / "theme")
        shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    vocab = yaml.safe_load((data / "vocabularies.yaml").read_text(encoding="utf-8"))
    maker = _Maker(vocab["vocabularies"], seed)
    folder = data / "services"
    folder.mkdir()
    used: set[str] = set()
    for number, size in enumerate(file_sizes(services, maker.rng)):
        provider = maker.provider(number, used)
        records = [maker.service(provider) for _ in range(size)]
        header = (
            f"# Services of {provider['name']}: synthetic, made by bench/synthetic.py "
            f"(seed {seed}).\n# Every name, address, phone number and email is invented.\n"
        )
        body = yaml.dump({"services": records}, Dumper=_Dumper, sort_keys=False,
                         allow_unicode=True, width=100)  # fmt: skip
        (folder / f"{provider['slug']}.yaml").write_text(header + body, encoding="utf-8")
    for name, per, make in (
        ("updates", UPDATE_EVERY, maker.update),
        ("documents", DOCUMENT_EVERY, maker.document),
        ("surveys", SURVEY_EVERY, maker.survey),
    ):
        path = data / f"{name}.yaml"
        records = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(name) or []
        records += [make(number) for number in range(services // per)]
        body = yaml.dump({name: records}, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                         width=100)  # fmt: skip
        path.write_text(body, encoding="utf-8")
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("out_dir", type=Path, help="folder to write the project into")
    parser.add_argument("services", type=int, help="how many services to invent")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--buildable", action="store_true", help="copy mkdocs.yml and theme/")
    args = parser.parse_args(argv)
    root = write_project(args.out_dir, args.services, args.seed, buildable=args.buildable)
    files = sorted((root / "data" / "services").glob("*.yaml"))
    largest = max((f.stat().st_size for f in files), default=0)
    print(
        f"wrote {args.services:,} services in {len(files)} files to {root}/data/services "
        f"(largest {largest:,} bytes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
