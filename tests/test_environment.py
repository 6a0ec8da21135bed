"""Faults of the environment (a read-only folder, a full disk, permission denied) in any
step of ``build``, the builder's and Pagefind's included, are one line naming the folder,
then "The site was not changed.", and exit code 2: never a traceback, and the published
site stays as it was.

Tests and CI run as root, which ignores permission bits, so a folder is made read-only or
full in one of two ways: where the machine allows it, for real, with a tmpfs or a
read-only bind mount in a private mount namespace (``unshare -m``); everywhere, by making
the writes under a folder fail in the process that writes them, which for the builder is
a child Python (``sitecustomize`` on its ``PYTHONPATH``), so that MkDocs meets the fault
and prints its own traceback.
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from generator import build as build_module
from generator.cli import main
from generator.errors import BuildError
from generator.search import index_site

from .conftest import copy_project

FAULTS = [errno.ENOSPC, errno.EROFS, errno.EACCES]
ARGS = ["--today", "2026-11-23"]

#: Loaded by every Python started with this folder on PYTHONPATH: opening a file for
#: writing, or making a folder, under $FAULT_DIR fails with $FAULT_ERRNO.
SITECUSTOMIZE = """
import builtins, io, os

_DIR, _CODE = os.environ.get("FAULT_DIR"), int(os.environ.get("FAULT_ERRNO", "28"))


def _hit(path):
    try:
        name = os.path.abspath(os.fsdecode(path))
    except TypeError:  # a file descriptor
        return False
    return name == _DIR or name.startswith(_DIR + os.sep)


def _fail(path):
    raise OSError(_CODE, os.strerror(_CODE), os.fsdecode(path))


if _DIR:
    _open, _os_open, _mkdir = builtins.open, os.open, os.mkdir

    def open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+") and _hit(file):
            _fail(file)
        return _open(file, mode, *args, **kwargs)

    def os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and _hit(path):
            _fail(path)
        return _os_open(path, flags, *args, **kwargs)

    def mkdir(path, *args, **kwargs):
        if _hit(path):
            if os.path.isdir(path):
                raise FileExistsError(17, os.strerror(17), os.fsdecode(path))
            _fail(path)
        return _mkdir(path, *args, **kwargs)

    builtins.open = io.open = open
    os.open, os.mkdir = os_open, mkdir
"""


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The folder the site goes in, holding a site built before (``old_site``)."""
    folder = tmp_path / "out"
    (folder / "site").mkdir(parents=True)
    (folder / "site" / "index.html").write_text("<p>the published site</p>")
    (folder / "site" / "_headers").write_text("/*\n  X-Frame-Options: DENY\n")
    return folder


def old_site(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "site").iterdir())}


def inject(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, folder: Path, code: int) -> None:
    """Make every Python this test starts fail to write under ``folder`` with ``code``."""
    (tmp_path / "inject").mkdir(exist_ok=True)
    (tmp_path / "inject" / "sitecustomize.py").write_text(SITECUSTOMIZE)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "inject"))
    monkeypatch.setenv("FAULT_DIR", str(folder))
    monkeypatch.setenv("FAULT_ERRNO", str(code))


def one_line(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What the command said on stderr, warnings (the sample has one) left out."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return [line for line in err.splitlines() if "warning" not in line]


# --- the builder ------------------------------------------------------------------------


@pytest.mark.parametrize("code", FAULTS, ids=errno.errorcode.get)
def test_the_builder_meeting_a_fault_is_one_line_naming_the_folder(
    sample: Path,
    out: Path,
    code: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """MkDocs itself fails to write (and prints its traceback); the user reads one line."""
    before = old_site(out)
    inject(monkeypatch, tmp_path, out, code)
    assert main(["--root", str(sample), "build", "--site-dir", str(out / "site"), *ARGS]) == 2
    assert one_line(capsys) == [
        f"cannot write {out}: {os.strerror(code)}",
        "The site was not changed.",
    ]
    assert old_site(out) == before
    assert [p.name for p in out.iterdir()] == ["site"]  # no staging folder left behind


def test_a_folder_that_cannot_be_written_stops_the_build_before_the_builder_runs(
    sample: Path,
    out: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = old_site(out)
    inject(monkeypatch, tmp_path, out, errno.EROFS)  # the builder, if it ran, fails too
    mkdir, run = Path.mkdir, subprocess.run
    started: list[str] = []

    def read_only(
        self: Path, mode: int = 0o777, parents: bool = False, exist_ok: bool = False
    ) -> None:
        if self.is_relative_to(out):
            if exist_ok and self.is_dir():
                return
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        mkdir(self, mode, parents, exist_ok)

    def spy(command: list[str], *args: object, **kwargs: object) -> object:
        started.append(command[2])
        return run(command, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "mkdir", read_only)
    monkeypatch.setattr(build_module.subprocess, "run", spy)
    assert main(["--root", str(sample), "build", "--site-dir", str(out / "site"), *ARGS]) == 2
    assert one_line(capsys) == [
        f"cannot write {out}: {os.strerror(errno.EROFS)}",
        "The site was not changed.",
    ]
    assert "mkdocs" not in started
    assert old_site(out) == before


# --- Pagefind -----------------------------------------------------------------------------

#: What Pagefind 1.5 prints when its folder is read-only (it panics, exit 101).
PAGEFIND_PANIC = """\
thread 'main' (8109) panicked at pagefind/src/output/mod.rs:422:46:
called `Result::unwrap()` on an `Err` value: Os { code: 30, kind: ReadOnlyFilesystem, \
message: "Read-only file system" }
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
"""


def test_pagefind_failing_on_a_read_only_folder_is_one_line(
    sample: Path,
    out: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A stand-in ``pagefind`` says what the real one says, and stops as it stops."""
    fake = tmp_path / "fake" / "pagefind"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text(
        f"import sys\nsys.stderr.write({PAGEFIND_PANIC!r})\nsys.exit(101)\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "fake"))
    before = old_site(out)
    assert main(["--root", str(sample), "build", "--site-dir", str(out / "site"), *ARGS]) == 2
    assert one_line(capsys) == [
        f"cannot write {out}: {os.strerror(errno.EROFS)}",
        "The site was not changed.",
    ]
    assert old_site(out) == before


# --- schemas/ and build/ -------------------------------------------------------------------


@pytest.mark.parametrize("where", ["schemas", "build/docs", "build/search"])
def test_a_project_folder_that_cannot_be_written_is_named_in_one_line(
    sample: Path,
    where: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = sample / where
    write_bytes = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if self.is_relative_to(folder):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    assert main(["--root", str(sample), "build", *ARGS]) == 2
    [line, last] = one_line(capsys)
    assert last == "The site was not changed."
    named = Path(line.removeprefix("cannot write ").rpartition(": ")[0])
    assert line == f"cannot write {named}: {os.strerror(errno.ENOSPC)}"
    assert named.is_dir() and named.is_relative_to(folder), line  # a folder, not a file
    assert not (sample / "site").exists()


# --- real read-only and full folders, where the machine allows them ------------------------


@functools.cache
def can_mount() -> bool:
    """Whether a private mount namespace with a tmpfs can be made here (root, unshare)."""
    if not shutil.which("unshare") or not sys.platform.startswith("linux"):
        return False
    probe = "d=$(mktemp -d) && mount -t tmpfs -o size=64k,ro tmpfs $d && umount $d; rmdir $d"
    done = subprocess.run(["unshare", "-m", "sh", "-c", probe], capture_output=True)
    return done.returncode == 0


def needs_mount(test: Callable[..., None]) -> Callable[..., None]:
    """These tests need a private mount namespace (root and ``unshare -m``, as CI has):
    where a machine has none they fail and say so, rather than pass unseen."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        assert can_mount(), "no private mounts here: run the tests as root, as .ci/run does"
        test(*args, **kwargs)

    return run


def in_namespace(script: str, tmp_path: Path) -> None:
    """Run ``script`` (sh) in a private mount namespace; its mounts vanish with it."""
    env = {**os.environ, "PY": sys.executable, "T": str(tmp_path)}
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"set -e\n{textwrap.dedent(script)}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


def said(tmp_path: Path, name: str) -> tuple[int, list[str]]:
    """The exit code and the lines (warnings left out) of a build run in ``in_namespace``."""
    lines = (tmp_path / f"{name}.err").read_text().splitlines()
    code = int((tmp_path / f"{name}.rc").read_text())
    assert not any(line.startswith(("Traceback", "  File")) for line in lines)
    return code, [line for line in lines if "warning" not in line]


@needs_mount
def test_a_real_full_or_read_only_disk_leaves_the_site_as_it_was(
    sample: Path, sample_site: Path, tmp_path: Path
) -> None:
    """A tmpfs with room for one site and a half: the second build, a clean one which
    writes the whole new site beside the old, fills it (an incremental build would link
    the old site's files and fit); then it is read-only, for an incremental build too."""
    disk = tmp_path / "disk"
    disk.mkdir()
    pages = sum(-(-p.stat().st_size // 4096) for p in sample_site.rglob("*") if p.is_file())
    room = pages * 4096 * 3 // 2
    build = f'"$PY" -m generator --root {sample} build --site-dir {disk}/site {" ".join(ARGS)}'
    in_namespace(
        f"""
        build() {{ rc=0; {build} $2 2>"$T/$1.err" || rc=$?; echo $rc >"$T/$1.rc"; }}
        files() {{ (cd {disk} && find site -type f | sort | xargs md5sum) >"$T/$1"; }}
        mount -t tmpfs -o size={room} tmpfs {disk}
        build first && files before
        build full --no-cache && files after-full
        mount -o remount,ro {disk}
        build ro && files after-ro
        ls -A {disk} >$T/left
        """,
        tmp_path,
    )
    assert said(tmp_path, "first")[0] == 0
    assert said(tmp_path, "full") == (
        2, [f"cannot write {disk}: {os.strerror(errno.ENOSPC)}", "The site was not changed."]
    )  # fmt: skip
    assert said(tmp_path, "ro") == (
        2, [f"cannot write {disk}: {os.strerror(errno.EROFS)}", "The site was not changed."]
    )  # fmt: skip
    before = (tmp_path / "before").read_text()
    assert "index.html" in before and "pagefind/pagefind.js" in before
    assert (tmp_path / "after-full").read_text() == before
    assert (tmp_path / "after-ro").read_text() == before
    assert (tmp_path / "left").read_text().split() == ["site"]


@needs_mount
@pytest.mark.parametrize("where", ["schemas", "build"])
def test_a_real_read_only_project_folder_is_one_line(
    sample: Path, tmp_path: Path, where: str
) -> None:
    folder = sample / where
    folder.mkdir(exist_ok=True)
    in_namespace(
        f"""
        mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}
        rc=0; "$PY" -m generator --root {sample} build {" ".join(ARGS)} 2>$T/ro.err || rc=$?
        echo $rc >$T/ro.rc
        """,
        tmp_path,
    )
    code, lines = said(tmp_path, "ro")
    assert code == 2
    assert lines == [
        f"cannot write {folder}: {os.strerror(errno.EROFS)}",
        "The site was not changed.",
    ]
    assert not (sample / "site").exists()


@needs_mount
@pytest.mark.parametrize(("option", "code"), [("ro", errno.EROFS), ("size=200k", errno.ENOSPC)])
def test_pagefind_on_a_real_read_only_or_full_folder_raises_the_fault(
    sample_site: Path, tmp_path: Path, option: str, code: int
) -> None:
    """Pagefind panics on a read-only folder, and on a full disk it leaves its files empty
    and exits 0; either way the index is not trusted, and the fault is the disk's."""
    site = tmp_path / "site"
    shutil.copytree(sample_site, site, ignore=shutil.ignore_patterns("pagefind"))
    (site / "pagefind").mkdir()
    index = (
        "from pathlib import Path; from generator.search import index_site; "
        f"index_site(Path('{site}'))"
    )
    in_namespace(
        f"""
        mount -t tmpfs -o {option} tmpfs {site}/pagefind
        rc=0; "$PY" -c "{index}" 2>$T/index.err || rc=$?; echo $rc >$T/index.rc
        """,
        tmp_path,
    )
    err = (tmp_path / "index.err").read_text()
    assert (tmp_path / "index.rc").read_text().strip() == "1"
    assert err.strip().splitlines()[-1].startswith(f"OSError: [Errno {code}]"), err


def test_an_index_that_pagefind_left_incomplete_is_not_published(
    sample_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a full disk leaves when Pagefind says nothing: a file cut short. With room on
    the disk it is an incomplete index; with none, the disk's fault, in one line."""
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)

    class CutShort(subprocess.Popen):  # type: ignore[type-arg]
        """Pagefind, then a full disk: one of the files it wrote is cut short."""

        def wait(self, timeout: float | None = None) -> int:
            code = super().wait(timeout)
            wasm = next((site / "pagefind").glob("wasm.*.pagefind"))
            wasm.write_bytes(wasm.read_bytes()[:4096])
            return code

    monkeypatch.setattr(subprocess, "Popen", CutShort)
    with pytest.raises(BuildError, match=r"the search index could not be made: .* incomplete"):
        index_site(site)
    monkeypatch.setattr(shutil, "disk_usage", lambda _: SimpleNamespace(free=0))
    with pytest.raises(OSError, match="No space left on device") as raised:
        index_site(site)
    assert raised.value.errno == errno.ENOSPC
