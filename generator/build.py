"""Stage 6: build the site with a builder, replacing ``site/`` only after a complete build.

The builder writes into a fresh folder beside ``site/``; only when it has finished without
a single warning, every internal link resolves and no page holds an inline script is that
folder swapped in. A build that fails, or is killed midway, leaves the published ``site/``
as it was, and the next build clears any leftovers. One build of a project runs at a time
(``write.project_lock``), and the build writes and deletes only its site folder, its
staging folders beside it and ``build/``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from time import time as time_now

import yaml

from .cache import CACHE_DIR, made_by
from .errors import BuildError, printable
from .headers import write_headers
from .links import broken_links, ids_in
from .mend import mend_site
from .parallel import dies_with_parent, in_two
from .sanitise import url_of
from .search import Indexing, reported_os_error
from .write import PAGES_READY, refuse_links

BUILDERS = ("mkdocs", "properdocs", "zensical")
__all__ = ["BUILDERS", "BuildError", "build_with", "safe_site_dir"]

#: Folders and files of a project that a site folder may never be, or be inside.
SOURCES = {
    ".ci", ".git", ".venv", "bench", "build", "content", "data", "generator", "tests",
    "theme", "mkdocs.yml", "pyproject.toml", "README.md", "Makefile",
}  # fmt: skip


def build_with(
    builder: str,
    root: Path,
    write_docs: Callable[[], Path],
    searched: Path,
    site_dir: Path,
    today: date,
    settings: dict[str, object],
    pages: dict[str, bytes] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Path:
    """Build the docs folder (``write_docs`` writes it, and says where) with ``builder``,
    index it for search, and put the result in place of ``site_dir``.

    Search indexes ``searched``, the pages as it reads them (``search.search_copies``),
    while the docs folder is written, the builder builds and the links are checked: on two
    cores, at a county's size, most of the index's time is then spent beside theirs.

    Given the ``pages`` of the docs folder, the build is incremental when it can be
    (``Built``): the staging folder starts as the site built last, the builder makes again
    only the pages whose files changed, and only those have their links checked again
    (``_to_check``). Else, and with no ``pages`` (the ``--no-cache`` build), every page
    is made. The caller holds the
    project's lock and has checked ``site_dir`` (``safe_site_dir``). ``meanwhile`` is
    called once the new site is in place, while the old one is put aside (the caller keeps
    its cache then).

    After an incremental build the old site is kept beside the new one as its spare
    (``.site.spare``: hard links to the same files but the few made again), not removed;
    the next incremental build makes it the twin of the site and starts from it
    (``_twin``). Linking and unlinking the 23,000 files of a county's site took 2.5 to 4 s
    of each build on a busy disk; setting right what one build changed takes a fraction.
    """
    staging = site_dir.parent / f".{site_dir.name}.building-{os.getpid()}"
    spare = site_dir.parent / f".{site_dir.name}.spare"
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        _recover(root, site_dir)
        indexing = None
        try:
            staging.mkdir()  # here, so a folder that cannot be written stops the build at once
            indexing = Indexing(searched, staging.with_name(f"{staging.name}-search"))
            try:
                docs = write_docs()
            except OSError as exc:  # the docs folder's own fault, named as it is
                raise BuildError(cannot_write(exc, fault_folder(exc))) from None
            built = pages and Built.of(root, builder, site_dir, today, docs, settings, pages)
            earlier = built.earlier() if built else None
            site = None  # the entries of the site built last, when the build starts from it
            if built and earlier is not None:
                site = _stage_from(site_dir, staging, earlier, built, docs, spare)
            _run_builder(builder, root, staging, today, docs, settings, dirty=earlier is not None)
            if builder == "zensical":  # runs no plugin, so nothing has mended its pages
                mend_site(staging, theme="zensical")  # its copy of Material
            write_headers(staging)
            only = _to_check(site_dir, site, staging, earlier, built) if built else None
            broken = broken_links(staging, only)
            if broken:
                shown = "\n".join(broken[:30]) + (
                    f"\n… and {len(broken) - 30} more" if len(broken) > 30 else ""
                )
                raise BuildError(f"{len(broken)} problem(s) in the built site:\n{shown}")
            site_digest = _site_digest(staging) if built else ""  # as it will be swapped in
            indexing.finish()
            os.replace(indexing.out, staging / "pagefind")
            forget_site(root, site_dir, keeping=bool(built))
            old = _swap(staging, site_dir)
            gone = _set_aside(old, spare, keep=earlier is not None)
            # What is not kept is removed (the disk's work) while the cache is kept (a core's).
            removing = threading.Thread(target=_remove, args=gone)
            removing.start()
            try:
                if built:
                    built.keep(site_digest)
                if meanwhile is not None:
                    meanwhile()
            finally:
                removing.join()
        finally:
            if indexing is not None:
                indexing.stop()
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:  # a full disk, a read-only folder: the environment, not the data
        raise BuildError(cannot_write(exc, _folder(exc, root, site_dir))) from None
    return site_dir


def cannot_write(exc: OSError, folder: Path | str | None) -> str:
    """The one line that reports a fault of the environment: ``cannot write FOLDER: what``
    (the folder's name shown as messages show names: ``errors.printable``)."""
    where = f" {printable(str(folder))}" if folder else ""
    return f"cannot write{where}: {exc.strerror or printable(str(exc))}"


def fault_folder(exc: OSError) -> Path | None:
    """The folder to name for a fault of the environment met writing a file or folder."""
    named = exc.filename2 or exc.filename
    return folder_of(named) if isinstance(named, str) and named else None


def folder_of(path: Path | str) -> Path:
    """The folder a fault at ``path`` is in: ``path`` if it is a folder, else its parent (a
    file that could not be made, or written to the end)."""
    path = Path(path)
    return path if path.is_dir() else path.parent


def _folder(exc: OSError, root: Path, site_dir: Path) -> Path:
    """The folder to name for a fault met while building ``site_dir``.

    The build writes its staging folders beside the site (``.site.building-…``, names
    nobody chose), so a fault in one, or one with no path (a builder's "[Errno 28] No space
    left on device"), names the folder that holds the site; one in ``build/`` names that.
    """
    beside = site_dir.parent
    for name in (exc.filename2, exc.filename):  # a copy's or a move's destination first
        if not isinstance(name, str) or not name:
            continue
        path = Path(os.path.normpath(root / name))  # (a builder's paths are from the root)
        first = (*path.parts[len(beside.parts) :], "")[0] if path.is_relative_to(beside) else ""
        if first.startswith(f".{site_dir.name}.") or path.is_relative_to(site_dir):
            return beside
        if path.is_relative_to(root / "build"):
            return root / "build"
        return folder_of(path)
    return beside


def safe_site_dir(root: Path, site_dir: Path | None) -> Path:
    """``site_dir`` as an absolute path, if the build may replace it; else ``BuildError``.

    The build deletes the old site when it swaps in the new one, so the folder must not be
    a link, the project, one of its parents or sources, or a folder that holds something
    other than a site this generator built (``index.html`` and ``_headers``).
    """
    given = Path(os.path.abspath(site_dir or root / "site"))
    if given.is_symlink():
        raise BuildError(f"the site folder {printable(str(given))} is a link; give a real folder")
    target = given.resolve()
    named = printable(str(target))  # as messages show names
    if root.is_relative_to(target):
        raise BuildError(f"the site folder {named} holds the project itself; give another")
    if target.is_relative_to(root):
        first = target.relative_to(root).parts[0]
        if first in SOURCES:
            raise BuildError(
                f"the site folder {named} is inside the project's {first}; "
                "give a folder of its own, such as site/"
            )
    if target.exists():
        if not target.is_dir():
            raise BuildError(f"the site folder {named} is a file; give a folder")
        ours = (target / "index.html").is_file() and (target / "_headers").is_file()
        if not ours and any(target.iterdir()):
            raise BuildError(
                f"the site folder {named} already holds files that are not a site built "
                "here; give an empty or new folder, so nothing else is deleted"
            )
    return target


def _run_builder(
    builder: str,
    root: Path,
    out: Path,
    today: date,
    docs: Path,
    settings: dict[str, object],
    *,
    dirty: bool = False,
) -> None:
    """Run ``builder`` in strict mode so that it writes the site into ``out``.

    Every builder gets a throwaway config beside ``mkdocs.yml`` that inherits it and adds
    what comes from the data (the site's name and address, the navigation). MkDocs and
    ProperDocs take ``-d``; Zensical has no such option and only writes inside the project,
    so its config sets ``site_dir`` to a folder under ``build/``, which is then moved to
    ``out``. A builder that stops on a fault of the environment (its traceback or log says
    ``[Errno 28] No space left on device``) raises that ``OSError``, for one line.
    """
    if builder not in BUILDERS:
        raise BuildError(f"unknown builder '{builder}'; choose one of {', '.join(BUILDERS)}")
    if importlib.util.find_spec(builder) is None:
        hint = "pip install -e '.[builders]'" if builder != "mkdocs" else "pip install -e ."
        raise BuildError(f"{builder} is not installed here; install it with: {hint}")
    env = {
        **os.environ,
        "LOCAL_OFFER_TODAY": today.isoformat(),
        PAGES_READY: str(docs.resolve()),
        "SOURCE_DATE_EPOCH": str(int(datetime.combine(today, time(), UTC).timestamp())),
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        "NO_COLOR": "1",
    }
    config = root / f".local-offer-{os.getpid()}.yml"
    command = [sys.executable, "-m", builder, "build", "--strict", "-f", str(config)]
    inside = None
    settings = {"INHERIT": "mkdocs.yml", **settings}
    if builder == "zensical":
        inside = root / "build" / f"zensical-site-{os.getpid()}"
        settings["site_dir"] = inside.relative_to(root).as_posix()
    else:
        command += ["-d", str(out)]
    if dirty:  # only the pages whose files changed (``Built``); MkDocs and ProperDocs
        command.append("--dirty")
        env[INCREMENTAL] = str(out.resolve())
    _write_new(config, _yaml(settings))
    try:
        result = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True,
            preexec_fn=dies_with_parent(),  # not left building if this process is killed
        )  # fmt: skip
        if inside is not None and result.returncode == 0:
            out.rmdir()  # the empty staging folder made for it: moved into, not replaced
            shutil.move(inside, out)
    finally:
        config.unlink(missing_ok=True)
        if inside is not None:
            shutil.rmtree(inside, ignore_errors=True)
    if result.returncode != 0 or not (out / "index.html").is_file():
        fault = reported_os_error(result.stderr + result.stdout)
        if fault is not None:  # the environment's, not the data's: one line, not a traceback
            raise fault
        said = [
            line
            for line in (result.stderr + result.stdout).splitlines()
            if line.startswith(("ERROR", "WARNING", "Error", "Aborted", "RuntimeError"))
        ]
        detail = "\n".join(said[-30:]) or (result.stderr + result.stdout)[-3000:]
        raise BuildError(f"{builder} build failed (exit {result.returncode}):\n{detail}")


#: Set to the staging folder of an incremental build, where every file is a hard link to
#: the published site's: the plugin removes each file before the builder writes it, so the
#: builder writes a new file and never into the published one (``plugin``).
INCREMENTAL = "LOCAL_OFFER_INCREMENTAL"
#: The builder's packages, whose versions change what it makes of the same pages.
BUILDER_PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown", "pagefind")
#: Files of the site made again whole by every build, after the builder: never linked.
REMADE = ("pagefind", "_headers")
_SITE_RECORD = "site.json"


@dataclass
class Built:
    """What a site was built from: enough to tell whether the next build may start from it.

    An incremental build is byte for byte the clean one only if every page the builder
    skips would come out as it is: so the generator, the builder and its packages, Python,
    ``mkdocs.yml``, ``theme/``, what the data tells the builder (name, menu, header and
    footer: ``settings``), the day and the site folder (the one built last: ``_site_digest``)
    must all be as they were; only the pages may differ. Kept, after a
    build, in ``build/cache/site.json``; a record that is missing, unreadable or of
    another shape means a clean build. It is removed before any build replaces the site
    it describes (``forget_site``), and written again after one that keeps it.
    """

    root: Path
    site_dir: Path
    made: str  # the digest of everything but the pages
    pages: dict[str, str]  # each file of the docs folder: the digest of its bytes

    @classmethod
    def of(
        cls,
        root: Path,
        builder: str,
        site_dir: Path,
        today: date,
        docs: Path,
        settings: dict[str, object],
        pages: dict[str, bytes],
    ) -> Built | None:
        if builder not in ("mkdocs", "properdocs"):
            return None  # Zensical has no --dirty
        digest = hashlib.sha256(made_by(root))
        for name in BUILDER_PACKAGES:
            try:
                digest.update(f"{name}={importlib.metadata.version(name)}\n".encode())
            except importlib.metadata.PackageNotFoundError:
                digest.update(f"{name}=none\n".encode())
        digest.update(f"{builder}\n{today}\n{site_dir}\n{docs.resolve()}\n".encode())
        digest.update(shown_everywhere(settings, pages))
        digest.update(inputs_digest(root))
        pages_digest = {k: hashlib.blake2b(v, digest_size=16).hexdigest() for k, v in pages.items()}
        return cls(root, site_dir, digest.hexdigest(), pages_digest)

    def earlier(self) -> dict[str, str] | None:
        """The pages of the site built last, if this build may start from it; else None."""
        try:
            text = (self.root / CACHE_DIR / _SITE_RECORD).read_text(encoding="utf-8")
            record = json.loads(text)
            if (
                record["made"] != self.made
                or record["site"] != _site_digest(self.site_dir)
                or not isinstance(record["pages"], dict)
            ):
                return None
            return {str(k): str(v) for k, v in record["pages"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def keep(self, site: str) -> None:
        """Record what the site now in place (``site``, its ``_site_digest``) was built
        from, for the next build."""
        record: dict[str, object] = {"made": self.made, "site": site, "pages": self.pages}
        record["folder"] = str(self.site_dir)  # the site it describes (``forget_site``)
        folder = self.root / CACHE_DIR
        refuse_links(self.root, "build", CACHE_DIR.as_posix())
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{_SITE_RECORD}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, folder / _SITE_RECORD)


def forget_site(root: Path, site_dir: Path, *, keeping: bool) -> None:
    """Remove the record of what the site in ``site_dir`` was built from (``Built``),
    before a build replaces that site: else a later build could start from a site it does
    not describe (one a ``--no-cache`` or Zensical build made, which keep none, with the
    same names and sizes). A build that keeps a record (``keeping``) removes whatever
    record there is, and writes its own once its site is in place; one that keeps none
    leaves the record of another site folder. Raises ``OSError`` or ``BuildError`` if it
    cannot: the caller has replaced nothing yet."""
    path = root / CACHE_DIR / _SITE_RECORD
    if not keeping:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError):
            record = None  # unreadable: removed
        folder = record.get("folder") if isinstance(record, dict) else None
        if isinstance(folder, str) and folder != str(site_dir):
            return  # another site folder's
    refuse_links(root, "build", CACHE_DIR.as_posix())
    path.unlink(missing_ok=True)


#: Folders of a project whose files reach the builder through the pages, or are its output.
_NOT_INPUTS = ("build", "site", "data", "content", ".git")


def builder_inputs(root: Path) -> list[Path]:
    """The files the builder reads besides the pages, which a build started from the last
    site (``Built``) or a preview (``plugin.on_pre_build``) must see change: ``mkdocs.yml``,
    ``theme/``, and every file or folder the settings name by a path (hooks, and the
    folder of each, whose modules a hook may import; a config ``INHERIT``ed, which is
    followed in turn; a folder of snippets). A file counts wherever it is (a config shared
    by several projects, beside them); a folder is walked only in the project (never the
    project's own folder), and never one the pages come from or go to."""
    found: dict[Path, None] = {}
    configs, read = [root / "mkdocs.yml"], set()
    paths = [root / "theme"]
    while configs:
        config = configs.pop()
        if config in read or not config.is_file():
            continue
        read.add(config)
        paths.append(config)
        try:
            settings = yaml.load(config.read_text(encoding="utf-8"), Loader=_AnyTags)
        except (yaml.YAMLError, UnicodeDecodeError):
            continue  # the builder says what is wrong with it
        for text in _texts(settings):
            for base in (config.parent, root):
                named = base / text
                if named.suffix in (".yml", ".yaml") and (config_path := _resolved(named)):
                    configs.append(config_path)
                elif named.suffix == ".py" and named.is_file():
                    paths.append(named.parent)  # a hook's folder: the modules it imports
                paths.append(named)
    project = root.resolve()
    for path in dict.fromkeys(r for p in paths if (r := _resolved(p))):  # each once
        inside = path.is_relative_to(project)
        if inside and (path == project or path.relative_to(project).parts[0] in _NOT_INPUTS):
            continue  # nor walked: the site and the docs folder hold 100,000 files
        if path.is_dir() and inside:
            found.update(dict.fromkeys(sorted(p for p in path.rglob("*") if p.is_file())))
        elif path.is_file():
            found[path] = None
    return list(found)


def inputs_digest(root: Path) -> bytes:
    """The digest of ``builder_inputs``: their paths and their bytes (never their dates, so
    a save within the same tick of the clock counts)."""
    digest = hashlib.sha256()
    for path in builder_inputs(root):
        named = os.path.relpath(path, root.resolve())
        digest.update(named.encode("utf-8", "surrogateescape") + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:  # the builder will say what is wrong with it
            digest.update(f"unreadable: {exc.errno}".encode())
    return digest.digest()


class _AnyTags(yaml.SafeLoader):
    """YAML as MkDocs reads it, its own tags (``!ENV``, ``!!python/name:…``) read as the
    text or values they hold: only the paths in it are wanted."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_AnyTags.add_multi_constructor("!", _any_tag)
_AnyTags.add_multi_constructor("tag:", _any_tag)


def _texts(value: object) -> Iterator[str]:
    """Every text in settings read from YAML, keys too (a hook's, a plugin's)."""
    if isinstance(value, str):
        if value and "\n" not in value and "://" not in value and not value.startswith("/"):
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _resolved(path: Path) -> Path | None:
    """``path`` with every link followed, or None if it cannot be (a loop of links)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def shown_everywhere(settings: dict[str, object], pages: dict[str, bytes]) -> bytes:
    """What every page shows that the builder is told (its ``settings``: the menu, the
    header's and footer's values) or reads from other pages (the titles of the menu's
    pages): whenever it changes, every page is to be built again, not only those whose
    files changed (``Built``; a preview's ``plugin.on_pre_build``)."""
    shown = [_yaml(settings)]
    for page in _menu_pages(settings.get("nav")):
        shown.append(page.encode() + b"\0" + _front_matter(pages.get(page, b"")) + b"\0")
    return b"".join(shown)


def _menu_pages(nav: object) -> Iterator[str]:
    """The pages the builder's menu (``nav``, as ``routes.navigation`` gives it) lists."""
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _menu_pages(item)
    elif isinstance(nav, dict):
        for item in nav.values():
            yield from _menu_pages(item)


def _front_matter(page: bytes) -> bytes:
    """A page's front matter (``render._page``): its title and what else the theme may show
    of it. The menu gives the builder the menu's pages by their files alone, and the builder
    reads each one's title there, which every page's menu and footer then show."""
    if not page.startswith(b"---\n"):
        return b""
    return page[: page.find(b"\n---\n", 3) + 1]


def _site_digest(site_dir: Path) -> str:
    """What tells the site built last from any other: the name and size of each of its
    files, and the bytes of its home page. A site restored from a CI host's cache (new
    files, the same names and sizes) matches; one whose files were added, removed or
    resized since, or whose home page changed, does not. (A page edited by hand to the
    same size is not seen: ``site/`` is the build's output, never edited.) What a build
    makes whole again (``REMADE``: the search index) is left out, so the digest of a
    staging folder before its index is in is the site's once it is swapped in."""
    digest = hashlib.sha256((site_dir / "index.html").read_bytes())
    for path, entry in _entries(str(site_dir), leave=REMADE):
        if not entry.is_dir(follow_symlinks=False):
            size = entry.stat(follow_symlinks=False).st_size
            digest.update(f"{path}\0{size}\n".encode())
    return digest.hexdigest()


def _to_check(
    site_dir: Path,
    site: dict[str, int] | None,
    staging: Path,
    earlier: dict[str, str] | None,
    built: Built,
) -> set[str] | None:
    """The pages of an incremental build whose links are checked again: those the builder
    made again (not links to the old site's files; ``site``: each entry of ``site_dir`` by
    its path, with its inode, as ``_stage_from`` listed it). Every page (None) after a full build;
    when a file is gone, which a link may lead to; and when a page made again lost an id,
    which a link, however it was written (a theme's own, too), may lead to. A link that
    led to a file or an anchor that is still there leads where it did."""
    if earlier is None or site is None or set(earlier) - set(built.pages):
        return None
    made = _html_files(str(staging))  # a page not made again is the old one's hard link
    remade = sorted(page for page, inode in made.items() if site.get(page) != inode)
    again = [page for page in remade if page in site]

    def lost(page: str) -> bool:
        return not ids_in(site_dir / page) <= ids_in(staging / page)

    return None if any(in_two(again, lost)) else set(remade)


def _html_files(folder: str) -> dict[str, int]:
    """Each HTML file under ``folder``, by its path there, and its inode: what the folder's
    listing says, with no file's status read (thousands of them at a county's size)."""
    return {
        path: entry.inode()
        for path, entry in _entries(folder)
        if path.endswith(".html") and not entry.is_dir(follow_symlinks=False)
    }


def _entries(
    folder: str, leave: tuple[str, ...] = (), prefix: str = ""
) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Each entry under ``folder`` (but those named in ``leave``, at its top), a folder
    before what it holds, a link as itself, by its path there, with its listing's entry,
    in the order of their names: text paths and ``scandir``, for the 23,000 files of a
    county's site."""
    with os.scandir(folder) as found:
        entries = sorted(found, key=lambda entry: entry.name)
    for entry in entries:
        if entry.name in leave:
            continue
        path = prefix + entry.name
        yield path, entry
        if entry.is_dir(follow_symlinks=False):
            yield from _entries(entry.path, prefix=f"{path}/")


def _output(page: str) -> str:
    """The file of the built site that a file of the docs folder becomes."""
    return url_of(page) + "index.html" if page.endswith(".md") else page


def _stage_from(
    site_dir: Path,
    staging: Path,
    earlier: dict[str, str],
    built: Built,
    docs: Path,
    spare: Path,
) -> dict[str, int]:
    """Start ``staging`` as the site built last: each of its files a hard link (the search
    index and ``_headers``, made again whole, left out), less what became of docs files
    that are gone; from the ``spare`` where it can be (``_twin``). Then the docs folder's
    files are dated so that the builder's ``--dirty`` makes again exactly those that
    changed: a new date for each, the oldest for the rest. Returns the site's entries as
    listed (``_inodes``), once for the staging and the links to check (``_to_check``)."""
    site = _inodes(str(site_dir), REMADE)
    # A new folder's mode (made empty to find a folder that cannot be written, at once).
    mode = stat.S_IMODE(staging.stat().st_mode)
    if _twin(site, site_dir, spare, mode):
        staging.rmdir()
        os.replace(spare, staging)
    else:
        _link_tree(site, str(site_dir), str(staging))
    for gone in set(earlier) - set(built.pages):
        path = staging / _output(gone)
        path.unlink(missing_ok=True)
        for parent in path.parents:  # and the folders it leaves empty: a clean build has none
            if parent == staging or not parent.is_dir() or any(parent.iterdir()):
                break
            parent.rmdir()
    now = time_now()
    for page, digest in built.pages.items():
        stamp = 1.0 if earlier.get(page) == digest else now
        os.utime(docs / page, (stamp, stamp))
    return site


def _twin(want: dict[str, int], site_dir: Path, spare: Path, mode: int) -> bool:
    """Make ``spare`` hold a hard link to each file of ``site_dir`` (``want``: its entries
    but ``REMADE``, ``_inodes``) and nothing else, in folders of ``mode`` (a new folder's),
    as ``_link_tree`` would make it; False, with it left for ``_set_aside`` to remove,
    where there is none to start from or it would take as long.

    The spare is the site this one replaced (``_set_aside``): its files are hard links to
    the site's but those the last build made again. A file is kept where the spare's entry
    at the same path is the very file the site holds (the same inode, from the folders'
    listings); every other entry is removed as itself (a link is never followed), and the
    site's file linked in its place. So what the spare held, whatever it was, cannot reach
    the new site: only the site's own files can, in folders as a clean build makes them."""
    if spare.is_symlink() or not spare.is_dir():
        return False
    try:
        have = _inodes(str(spare))
        wrong = [path for path, entry in have.items() if want.get(path) != entry]
        lacking = [path for path, entry in want.items() if have.get(path) != entry]
        if len(wrong) + len(lacking) > len(want) // 2:
            return False  # as much work as linking afresh
        for path in sorted(wrong, reverse=True):  # what a folder holds before the folder
            there = os.path.join(spare, path)
            os.rmdir(there) if have[path] == _FOLDER else os.unlink(there)
        for path in sorted(lacking):  # a folder before what it holds
            there = os.path.join(spare, path)
            if want[path] == _FOLDER:
                os.mkdir(there)
            else:
                os.link(os.path.join(site_dir, path), there, follow_symlinks=False)
        kept = [os.path.join(spare, p) for p in want if want[p] == _FOLDER == have.get(p)]
        for folder in [str(spare), *kept]:  # those made just now have the mode already
            if stat.S_IMODE(os.lstat(folder).st_mode) != mode:
                os.chmod(folder, mode)
    except OSError:
        return False  # left half set right: removed, and the staging folder linked afresh
    return True


#: What ``_inodes`` gives for a folder: no file's inode is 0.
_FOLDER = 0


def _inodes(folder: str, leave: tuple[str, ...] = ()) -> dict[str, int]:
    """Each entry under ``folder`` (``_entries``) by its path there: a file (or a link, as
    itself) with its inode, a folder with ``_FOLDER``."""
    return {
        path: _FOLDER if entry.is_dir(follow_symlinks=False) else entry.inode()
        for path, entry in _entries(folder, leave)
    }


def _set_aside(old: Path, spare: Path, *, keep: bool) -> list[Path]:
    """Once the new site is in place: the site it replaced (``old``) kept as the next
    build's ``spare`` after an incremental build (``keep``), whose files are hard links to
    the new site's but a few; what is to be removed: the old site otherwise, an earlier
    spare, and what is made whole again (``REMADE``) in the one kept. A folder that cannot
    be renamed is removed: the site is in place, and the next build links afresh."""
    gone: list[Path] = []
    try:
        if os.path.lexists(spare):  # one not used (or not usable): out of the way first
            aside = spare.with_name(f"{spare.name}.removing-{os.getpid()}")
            os.replace(spare, aside)
            gone.append(aside)
        if keep and old.is_dir() and not old.is_symlink():
            os.replace(old, spare)
            return [*gone, *(spare / name for name in REMADE)]
    except OSError:
        gone.append(spare)
    return [*gone, old]


def _remove(*paths: Path) -> None:
    """Remove each of ``paths`` that is there: a folder with what it holds, anything else
    (a link too) as itself."""
    for path in paths:
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            pass  # a leftover: the next build removes it (``_recover``) or links afresh


def _link_tree(entries: dict[str, int], source: str, target: str) -> None:
    """Make the empty folder ``target`` hold a hard link to each file of ``source`` that
    ``entries`` lists (``_inodes``, a folder before what it holds), in folders of the same
    names."""
    for path, inode in entries.items():
        there = os.path.join(target, path)
        if inode == _FOLDER:
            os.mkdir(there)
        else:
            os.link(os.path.join(source, path), there, follow_symlinks=False)


def _yaml(settings: dict[str, object]) -> bytes:
    """The builder's settings as YAML that reads back as the same text, whatever it holds.

    PyYAML's emitter writes characters beyond the BMP (emoji) as themselves, never as the
    surrogate pairs of ASCII-escaped JSON, which a YAML reader turns into two lone halves.
    """
    text = yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, width=2**31)
    return text.encode("utf-8")


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a file that must not exist yet: never through a link or over a
    file someone put there (the name is predictable)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(path, flags, 0o644)
    with os.fdopen(handle, "wb") as out:
        out.write(data)


def _swap(new: Path, site_dir: Path) -> Path:
    """Put ``new`` in place of ``site_dir``; the old site exists until the last moment.
    Returns where the old site now is, for the caller to remove."""
    old = site_dir.parent / f".{site_dir.name}.old-{os.getpid()}"
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(new, site_dir)
    return old


def _recover(root: Path, site_dir: Path) -> None:
    """Clear what a killed build left behind, restoring the old site if it was mid-swap.

    Safe because the caller holds the project's lock: no other build is running.
    """
    leftovers = sorted(site_dir.parent.glob(f".{site_dir.name}.old-*"))
    if leftovers and not site_dir.exists():
        os.replace(leftovers.pop(), site_dir)
    _remove(  # each as itself: nothing is deleted through a link
        *leftovers,
        *site_dir.parent.glob(f".{site_dir.name}.building-*"),
        *site_dir.parent.glob(f".{site_dir.name}.spare.removing-*"),
        *(root / "build").glob("zensical-site-*"),
    )
    for path in [*root.glob(".local-offer-*.yml"), *root.glob(".zensical-*.yml")]:
        path.unlink(missing_ok=True)
