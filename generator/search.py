"""The site's search and the directory's filters, both fetched in small pieces as a
visitor asks, so no page loads an index before someone searches or filters.

Search is Pagefind's: Material's own search loads its whole index (megabytes at a county's
size) before the first result, while Pagefind splits it into pieces that a search fetches
as it needs them. Pagefind indexes the pages inside their ``data-pagefind-body`` element (a
build gives it copies of the pages cut to that element, ``search_copies``, to index while
the builder builds them). A service page also carries its ``ServiceEntry`` (written by
``service.html`` in a ``hidden`` block): the facts its card shows (in search results and My
list), the area and self-referral values search ranks by (as ``tags``), and more words to
be found by, from the vocabularies' synonyms (``autism`` finds the services for social
communication; a town finds those of its area) and from the built-in thesaurus,
``thesaurus.yaml`` (``found_words``: "late talker" and "speech delay" find the services for
talking). The search page searches each word of a question on its own and ranks what they
find (local-offer-find.js), so no word that a page lacks empties the list. So it asks
Pagefind for no sort order, and the pages declare none (``data-pagefind-sort``): one
would put every page's number in the index's metadata, which every first search
fetches (13 KB more of its 52 KB at 5,000 services).

The directory's filters use files of their own (``directory_files``): for each value of
each filter, the numbers of the services that have it, which the browser intersects; and
the services' card facts, a hundred to a file. (Pagefind can filter without words, but then
fetches its whole index.) What a search matches and what a filter selects come from the
data, never from the wording of a page.
"""

from __future__ import annotations

import errno
import functools
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import weakref
import zlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import kinds, models
from .errors import BuildError
from .memo import Memo
from .model import ShownService, SiteModel, Terms, long_date
from .parallel import dies_with_parent, in_two
from .sanitise import url_of

#: The ages a visitor can choose in the directory; a service with no upper age is listed
#: for every age from its lower one (and one with no lower age for every age up to its
#: upper one), but a service whose ages nobody gave is listed for none.
AGES = range(0, 26)
#: The filters search ranks by: services in the area a question names, and those a family
#: can contact themselves, come first; those not running come last.
RANKED = ("area", "self", "running")
#: Services a file of the directory's cards holds.
SHARD = 100
#: The filters a visitor chooses in the directory (the names of its form's fields, in
#: services.html); ``running`` is applied by the script itself.
CHOSEN = ("age", "area", "type", "need", "level", "delivery", "audience", "strand", "self", "cost")
#: The directory's filter data: the numbers of the services with a filter's value, and
#: the services' card facts, ``SHARD`` a file (the ``N``th file).
VALUE_FILE = "filters/{key}-{value}.json"
CARDS_FILE = "filters/cards-{n}.json"
#: The search word of a filter value is this, the filter's key, and the value with these
#: characters dropped (``tag``).
TAG_PREFIX = "lo"
TAG_DROP = re.compile(r"[^a-z0-9]")


def facts() -> dict[str, object]:
    """What the site's scripts (local-offer-find.js, shortlist.js) must agree on with the
    generator, given to them by every page (``_page.html``, ``data-lo-facts``) so that each
    fact is written once, here: addresses, the id rule, filter keys, shard size, search tag."""
    service = kinds.kind("service").page
    assert service is not None
    return {
        "service": url_of(service),  # services/{id}/
        "list": url_of("my-list.md"),
        "values": VALUE_FILE,
        "cards": CARDS_FILE,
        "id": f"^(?:{models.SLUG.pattern})$",
        "maxId": models.MAX_ID,
        "filters": list(CHOSEN),
        "shard": SHARD,
        "tag": TAG_PREFIX,
        "tagDrop": TAG_DROP.pattern,
    }


@dataclass(frozen=True)
class ServiceEntry:
    """What the search index holds of one service, besides the words of its page; and the
    facts of its card, which every list shows."""

    site: SiteModel
    service: ShownService

    def card(self, plain: bool = True) -> dict[str, str]:
        """The facts of the service's card, each by the name of the slot it fills
        (``data-card`` in _macros.html): the pages' cards, the directory's and search's
        results and My list all show these, worded here once. A fact the service lacks is
        left out, and with it its part of the card. ``plain``: type and level in families'
        words (the cards the scripts fill always are). How to get it and the opening times
        (``how``, ``open``) are for paper and My list: a service that is not running has
        neither, as its page offers no way to get it."""
        s, terms = self.service, self.site.terms
        kind = [terms.names(terms.disciplines, [s.discipline], plain)]
        running = s.is_running
        card = {
            "title": s.name,
            "id": s.id,
            "line": s.one_line,
            "who": s.who_for(terms.names(terms.audiences, s.audiences)),
            "areas": terms.names(terms.areas, s.areas),
            "cost": s.cost_words,
            "self": s.refer_yourself,
            "kind": "; ".join([*kind, terms.names(terms.levels, s.levels, plain)]),
            "how": s.access.referral_route if running else "",
            "open": (s.opening_times or "") if running else "",
            "status": s.status_words or "",
            "stale": "This entry may be out of date: it was last checked on "
            f"{long_date(s.last_reviewed)}."
            if s.is_out_of_date
            else "",
        }
        return {k: v for k, v in card.items() if v}

    @property
    def filters(self) -> dict[str, list[str]]:
        """Each filter's values: {"area": ["southend"], "age": ["7"]}."""
        s = self.service
        low = s.min_age if s.min_age is not None else AGES.start
        high = s.max_age if s.max_age is not None else AGES.stop - 1
        given: bool | None = s.access.self_referral
        if given is None or (given and not s.families_can_refer):  # staff only, not running
            referral = []
        else:
            referral = ["yes" if s.families_can_refer else "no"]
        return {
            "type": [s.discipline],
            "level": s.levels,
            "area": s.areas,
            "need": s.needs,
            "delivery": s.delivery,
            "age": [str(a) for a in AGES if low <= a <= high] if s.ages_known else [],
            "self": referral,
            "cost": [] if s.cost is None else ["free" if s.is_free else "charge"],
            "audience": s.audiences,
            "strand": s.strands,
            "running": ["yes" if s.is_running else "no"],
        }

    @property
    def words(self) -> str:
        """More ways to find it: the synonyms of its terms, and the words the thesaurus
        gives it (``found_words``), each word once (the search page asks for each word of
        a question on its own, so phrases need not be kept whole: fewer words, a smaller
        index). Its areas' names and towns are not among them: the search page finds a
        place in a question itself, and asks for the area's ``tags``."""
        s, terms = self.service, self.site.terms
        used = [terms.disciplines[s.discipline], *(terms.needs[i] for i in s.needs)]
        words = [w for t in used for w in (t.plain or "", *t.synonyms) if w]
        words += found_words(self.site)[s.id]
        once: dict[str, str] = {}
        for word in _WORD.findall(" ".join(words)):
            once.setdefault(_plural(word.casefold()), word)
        return " ".join(once.values())

    @property
    def tags(self) -> str:
        """Words no text contains, one for each value search ranks by ("loareasouthend",
        "loselfyes"): asking for them with the visitor's words finds the services in an
        area, or those open to self-referral, first. (Pagefind's own filters would do it,
        but it writes them in a different order on every build.)"""
        return " ".join(tag(key, value) for key in RANKED for value in self.filters[key])


#: A word, hyphens and apostrophes within it ("self-care", "Asperger's").
_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


def _plural(word: str) -> str:
    """A word without the plural "s" that the index's stemmer also drops ("stammers" is
    "stammer"), so that ``words`` holds one of them: not after "ss" (which it keeps), nor
    in "ies" (which it makes "i")."""
    return word[:-1] if word.endswith("s") and not word.endswith(("ss", "ies")) else word


def tag(key: str, value: str) -> str:
    """The search word for a filter value; local-offer-find.js makes the same (``facts``)."""
    return TAG_PREFIX + key + TAG_DROP.sub("", value)


#: One service as a search record: its card's facts, its filter values, more words.
record = ServiceEntry


def record_reads(site: SiteModel, service: ShownService) -> tuple[object, ...]:
    """Everything ``ServiceEntry(site, service)`` reads of the site, and nothing else: the
    service, its thesaurus words and the terms (what a page's key holds instead of the
    entry, which holds the whole site: ``render._Made``). Change it with the entry."""
    return (service, found_words(site)[service.id], site.terms)


#: The built-in thesaurus (groups of words that mean the same to families and
#: professionals), shipped with the generator as data.
THESAURUS = Path(__file__).with_name("thesaurus.yaml")


@dataclass(frozen=True)
class Group:
    """Words and short phrases that mean the same to families and professionals."""

    about: str  # what they are about, in a few words: "stammering"
    words: tuple[str, ...]
    #: The broader group whose services take this one's words where no running service
    #: of the site holds any of them itself (a general speech and language service is
    #: found by "stutter" where there is no service for stammering).
    within: str | None = None


@functools.cache
def thesaurus() -> tuple[Group, ...]:
    """The groups of ``thesaurus.yaml``."""
    data = yaml.safe_load(THESAURUS.read_text(encoding="utf-8"))
    return tuple(
        Group(g["about"], tuple(str(w) for w in g["words"]), g.get("within"))
        for g in data["groups"]
    )


def groups(terms: Terms) -> list[Group]:
    """The thesaurus's groups, extended by an area's own vocabularies: each discipline's
    and need's name, plain name and synonyms are one more group."""
    used = (*terms.disciplines.values(), *terms.needs.values())
    own = (Group(t.name, tuple(w for w in (t.name, t.plain, *t.synonyms) if w)) for t in used)
    return [*thesaurus(), *own]


def held(texts: list[str], known: list[Group]) -> list[Group]:
    """The groups of ``known`` that one of ``texts`` holds a word or phrase of: whole, in
    any case, with or without a plural "s" or "es"."""
    return Holder(known).held(texts)


class Holder:
    """``held`` for many texts against the same groups: each phrase of the groups is
    looked up in the texts' phrases, rather than each group compared in turn."""

    def __init__(self, known: list[Group]) -> None:
        self.known = known
        self.by_phrase: dict[str, list[int]] = {}
        for number, group in enumerate(known):
            for phrase in _phrases(group.words):
                self.by_phrase.setdefault(phrase, []).append(number)
        self.longest = max((p.count(" ") + 1 for p in self.by_phrase), default=0)
        #: What each text holds, worked out once: a term's words are in many services.
        self.by_text: dict[str, frozenset[int]] = {}

    def held(self, texts: list[str]) -> list[Group]:
        return [self.known[number] for number in self.numbers(texts)]

    def numbers(self, texts: list[str]) -> tuple[int, ...]:
        """The places in ``known`` of the groups ``texts`` hold, in order."""
        found: set[int] = set()
        for text in texts:
            if text not in self.by_text:
                self.by_text[text] = self._in(text)
            found.update(self.by_text[text])
        return tuple(sorted(found))

    def _in(self, text: str) -> frozenset[int]:
        """The places of the groups one text holds."""
        found: set[int] = set()
        words = _plain(text).split()
        for n in range(1, self.longest + 1):
            for i in range(len(words) - n + 1):
                *start, last = words[i : i + n]
                for end in _singular(last):
                    found.update(self.by_phrase.get(" ".join([*start, end]), ()))
        return frozenset(found)


#: The last site's words by service id (``found_words``), kept while its pages render
#: (and never beyond its run: the site is held by a weak reference).
_FOUND: list[tuple[weakref.ref[SiteModel], dict[str, list[str]]]] = []


def found_words(site: SiteModel, memo: Memo | None = None) -> dict[str, list[str]]:
    """Each service's words from the thesaurus (``groups``): every word of each group
    that its terms, its name or its one-line summary hold a word of; and of each group
    that no running service holds a word of, but is ``within`` one it holds."""
    if _FOUND and _FOUND[0][0]() is site:
        return _FOUND[0][1]
    known = groups(site.terms)
    holder = Holder(known)
    terms = site.terms
    # A memo kept across runs remembers the groups each service's words hold, by the words
    # and the groups (their digest): a run after an edit reads only the edited services.
    kept = memo.held if memo is not None and memo.across_runs else None
    groups_digest = hashlib.blake2b(repr(known).encode(), digest_size=16).digest()
    every: dict[str, tuple[str, ...]] = {}  # each service's texts
    for s in site.services:
        used = [terms.disciplines[s.discipline], *(terms.needs[i] for i in s.needs)]
        own = [w for t in used for w in (t.name, t.plain or "", *t.synonyms) if w]
        every[s.id] = (*own, s.name, s.one_line)
    new = (t for t in every.values() if kept is None or (groups_digest, t) not in kept)
    todo = list(dict.fromkeys(new))  # what the memo does not hold: on two cores (``parallel``)
    held = dict(zip(todo, in_two(todo, lambda texts: holder.numbers(list(texts))), strict=True))
    direct: dict[str, list[Group]] = {}
    for service_id, texts in every.items():
        if kept is None:
            direct[service_id] = [known[i] for i in held[texts]]
            continue
        key = (groups_digest, texts)
        assert memo is not None
        memo.used_held.add(key)
        if key not in kept:
            kept[key] = held[texts]
            memo.changed = True
        direct[service_id] = [known[i] for i in kept[key]]
    anywhere = {g.about for s in site.services if s.is_running for g in direct[s.id]}
    missing = [g for g in known if g.within and g.about not in anywhere]
    found: dict[str, list[str]] = {}
    for s in site.services:
        mine = {g.about for g in direct[s.id]}
        taken = direct[s.id] + [g for g in missing if g.within in mine]
        found[s.id] = [w for g in taken for w in g.words]
    _FOUND[:] = [(weakref.ref(site), found)]
    return found


def _singular(word: str) -> set[str]:
    """A word's forms a group may hold: as written, and without a plural "s" or "es"."""
    return {word, word.removesuffix("s"), word.removesuffix("es")} - {""}


@functools.cache
def _phrases(words: tuple[str, ...]) -> frozenset[str]:
    """A group's words and phrases as ``held`` compares them (as ``_plain`` writes them)."""
    return frozenset(" ".join(_plain(w).split()) for w in words) - {""}


def _plain(text: str) -> str:
    """Text as words between single spaces, lower case, without apostrophes ("child's"
    is "childs"), every other mark a space; with a space at each end."""
    words = re.findall(r"[^\W_]+", text.casefold().replace("'", "").replace("\u2019", ""))
    return " " + " ".join(words) + " "


def directory_files(site: SiteModel, *, made: bool = True) -> dict[str, bytes]:
    """The directory's filter data, fetched only when a visitor filters, a small file at a
    time: for each filter value, the numbers of the services that have it; and the
    services' card facts, ``SHARD`` services a file. The services are numbered in the order
    a family needs them (``open_first``), which is the order of every filtered list. With
    ``made`` False (a check, which asks only what files there are), each with no bytes."""
    members: dict[str, list[int]] = {}
    for key, values in _filter_values(site).items():  # every value, so none is missing
        for value in values:
            members[VALUE_FILE.format(key=key, value=value)] = []
    shards = range(0, max(len(site.services), 1), SHARD)
    cards = [CARDS_FILE.format(n=start // SHARD) for start in shards]
    if not made:
        return dict.fromkeys([*members, *cards], b"")
    found = [record(site, s) for s in site.open_first(site.services)]
    for n, r in enumerate(found):
        for key, values in r.filters.items():
            for value in values:
                members[VALUE_FILE.format(key=key, value=value)].append(n)
    files = {name: _json(numbers) for name, numbers in members.items()}
    for name, start in zip(cards, shards, strict=True):
        files[name] = _json([r.card() for r in found[start : start + SHARD]])
    return files


def _filter_values(site: SiteModel) -> dict[str, list[str]]:
    terms = site.terms
    return {
        "type": list(terms.disciplines),
        "level": list(terms.levels),
        "area": list(terms.areas),
        "need": list(terms.needs),
        "delivery": list(terms.delivery),
        "audience": list(terms.audiences),
        "strand": list(terms.strands),
        "age": [str(a) for a in AGES],
        "self": ["yes", "no"],
        "cost": ["free", "charge"],
        "running": ["yes", "no"],
    }


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def index_site(site_dir: Path) -> None:
    """Write the index of the built pages of ``site_dir`` into its ``pagefind/`` folder:
    a preview's, and a build that MkDocs runs by itself. (``python -m generator build``
    indexes the generator's copies of the pages instead, beside the builder: ``Indexing``.)
    """
    searched = _searched(site_dir)
    try:
        Indexing(searched or site_dir, site_dir / "pagefind").finish()
    finally:
        if searched is not None:
            shutil.rmtree(searched, ignore_errors=True)


class Indexing:
    """Pagefind making an index of the pages in ``pages`` into ``out``, in the background:
    ``finish`` waits for it and checks what it made, ``stop`` ends it if it is still at
    work (a build that failed meanwhile) and removes what it made.

    Pagefind is run with the binary that the ``pagefind[bin]`` package ships. A fault of
    the environment (a read-only folder, a full disk) is raised as the ``OSError`` it is,
    for the build to report in one line. Pagefind stops with a panic on a read-only folder,
    but on a full disk it leaves files empty or cut short and says nothing, so the index is
    read back (``_incomplete``) before it is trusted.
    """

    def __init__(self, pages: Path, out: Path) -> None:
        self.out = out
        command = [sys.executable, "-m", "pagefind", "--site", str(pages)]
        command += ["--output-path", str(out), "--force-language", "en", "--silent"]
        # What it says goes to a file, not a pipe, which would fill and stop it; the file is
        # closed by ``finish`` or ``stop``.
        self.said = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                command, stdout=self.said, stderr=self.said, preexec_fn=dies_with_parent()
            )
        except OSError as exc:
            self.said.close()
            raise BuildError(f"the search index could not be made: {exc}") from None

    def finish(self) -> None:
        """Wait for the index; raise what is wrong with it."""
        code = self.process.wait()
        self.said.seek(0)
        said = self.said.read().decode("utf-8", "replace")
        self.said.close()
        if code or not (self.out / "pagefind.js").is_file():
            fault = reported_os_error(said)
            if fault is not None:
                raise fault
            last = said.strip().splitlines()[-3:]
            raise BuildError("the search index could not be made: " + " ".join(last))
        if wrong := _incomplete(self.out):
            if shutil.disk_usage(self.out).free < LOW_SPACE:  # what Pagefind did not say
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.out))
            raise BuildError(f"the search index could not be made: {wrong} is incomplete")

    def stop(self) -> None:
        """End Pagefind if it is still at work, and remove its output."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if not self.said.closed:
            self.said.close()
        shutil.rmtree(self.out, ignore_errors=True)


#: What a copy of a page for search holds around the page's body (``search_copies``).
_COPY = (b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title></title></head>'
         b"<body>", b"</body></html>\n")  # fmt: skip
#: How the body of a page the generator made begins (``render._page``: its last line).
_BODY = b'<div class="lo-body"'


def search_copies(pages: dict[str, bytes]) -> dict[str, bytes]:
    """What Pagefind indexes of the site, by each page's path in the built site: the pages
    whose body is searched (``data-pagefind-body``), each cut to that body.

    A builder puts each page's body into the built page byte for byte (``plugin``), and
    Pagefind reads nothing outside it (the language is given), so it makes the same index
    of these copies as of the built site (a test holds the two the same). Made from the
    pages, the copies can be indexed while the builder builds them (``build.build_with``).
    """
    copies = {}
    for path, data in pages.items():
        if not path.endswith(".md"):
            continue
        body = data[data.rfind(b"\n", 0, len(data) - 1) + 1 : -1]
        if body.startswith(_BODY) and b"data-pagefind-body" in body:
            copies[url_of(path) + "index.html"] = _COPY[0] + body + _COPY[1]
    return copies


def _searched(site_dir: Path) -> Path | None:
    """A folder of hard links to the pages of ``site_dir`` that search indexes (those with
    ``data-pagefind-body``), each at its path in the site, for Pagefind to read instead of
    the whole site: it indexes the same pages into the same index (so the same bytes),
    without parsing the lists of services, which it would read only to leave out (at a
    county's size, half its time and a sixth of its memory). None where that cannot be
    (no page is marked, so Pagefind indexes every one; or hard links cannot be made)."""
    folder = site_dir / f".searched-{os.getpid()}"
    made = False
    try:
        for path in sorted(site_dir.rglob("*.html")):
            if folder in path.parents or b"data-pagefind-body" not in path.read_bytes():
                continue
            link = folder / path.relative_to(site_dir)
            link.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, link)
            made = True
    except OSError:
        made = False
    if not made:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return folder


#: Free space under which an index written incomplete is put down to a full disk.
LOW_SPACE = 1 << 20
#: The faults of the environment, not of the project, that a builder or Pagefind can meet.
ENVIRONMENT = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EIO}
#: How Python (``[Errno 28] No space left on device: 'path'``, a second ``-> 'path'`` for a
#: copy) and Rust (``Os { code: 30, …`` in a panic, ``… (os error 28)``) print such a fault.
_PYTHON_FAULT = re.compile(r"\[Errno (\d+)\][^\n]*?(?:: '([^'\n]*)'(?: -> '([^'\n]*)')?)?$", re.M)
_RUST_FAULT = re.compile(r"Os \{ code: (\d+)\b|\(os error (\d+)\)")


def reported_os_error(output: str) -> OSError | None:
    """The last fault of the environment that a child process's ``output`` reports (its
    traceback, its log, its panic), as the ``OSError`` it met; None if it reports none.
    The path is the one written to (a copy's destination), when the message gives one."""
    found: OSError | None = None
    for match in _PYTHON_FAULT.finditer(output):
        code = int(match.group(1))
        if code in ENVIRONMENT:
            found = OSError(code, os.strerror(code), match.group(3) or match.group(2))
    if found is None:
        for match in _RUST_FAULT.finditer(output):
            code = int(match.group(1) or match.group(2))
            if code in ENVIRONMENT:
                found = OSError(code, os.strerror(code))
    return found


def _incomplete(folder: Path) -> str | None:
    """The first file of a Pagefind index that is empty or, compressed, cut short: what a
    full disk leaves (a complete index has no empty file)."""
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        try:
            if path.stat().st_size == 0:
                return str(path)
            if path.suffix.startswith(".pf_") or path.suffix == ".pagefind":
                gzip.decompress(path.read_bytes())
        except (EOFError, gzip.BadGzipFile, zlib.error):
            return str(path)
    return None


def places(site: SiteModel) -> dict[str, str]:
    """Each way of naming an area (its name, its towns), lower case, to the area's id: the
    search page looks for them in a query, to rank services in that area first."""
    found: dict[str, str] = {}
    for area in site.terms.areas.values():
        for name in (area.name, *area.synonyms):
            found.setdefault(name.casefold(), area.id)
    return found
