"""EDITING.md, the comms staff's task guide: every example in it works as it is.

Each YAML example is marked ``<!-- example: data/FILE.yaml -->``; the test appends it to a
copy of the sample, as the guide tells staff to, and the copy must pass ``check`` with the
new record in it (and, for a service or an update, a page made for it).

Each session with the generator is marked ``<!-- session -->``: its first line is the
command, each line starting ``>`` is an answer typed at the prompt (wrong answers and their
corrections too), and everything else is what the screen shows. The test runs the command
in a pseudo-terminal, as a person would, in a copy of the sample (with the files the guide
has them write first, marked ``<!-- file: NAME -->``), types each answer once the prompt is
there, and holds the screen to the guide's text, line for line, so the two cannot drift.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shlex
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

import pytest

from generator.load import load_yaml
from generator.pipeline import check

from .conftest import TODAY, copy_project

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "EDITING.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(r"<!-- example: (data/[\w/.-]+\.yaml) -->\n```yaml\n(.*?)```", re.S)
EXAMPLES = EXAMPLE.findall(GUIDE)
SESSION = re.compile(r"<!-- session -->\n```text\n(.*?)```", re.S)
SESSIONS = SESSION.findall(GUIDE)
WRITTEN = re.compile(r"<!-- file: ([\w-]+\.md) -->\n```markdown\n(.*?)```", re.S)


def test_the_guide_has_an_example_for_every_task() -> None:
    files = [file for file, _ in EXAMPLES]
    assert files.count("data/services.yaml") == 2  # add a service; retire one
    assert files.count("data/surveys.yaml") == 2  # open a consultation; its outcome
    assert "data/updates.yaml" in files and "data/documents.yaml" in files


@pytest.fixture(scope="module")
def sample_warnings() -> int:
    return len(check(ROOT, TODAY).warnings)


@pytest.mark.parametrize(("file", "text"), EXAMPLES, ids=[f for f, _ in EXAMPLES])
def test_each_example_added_to_the_sample_passes_check(
    tmp_path: Path, file: str, text: str, sample_warnings: int
) -> None:
    root = copy_project(tmp_path / "project")
    target = root / file
    target.write_text(target.read_text(encoding="utf-8").rstrip("\n") + "\n" + text, "utf-8")
    outcome = check(root, TODAY)  # raises DataError, naming file and line, if it fails
    (added,) = re.findall(r"^  - id: (\S+)$", text, re.M)
    project = outcome.project
    records = [*project.services, *project.updates, *project.surveys, *project.documents]
    assert added in {record.id for record in records}
    if file.endswith(("services.yaml", "updates.yaml")):
        kind = "services" if "services" in file else "updates"
        assert f"{kind}/{added}.md" in outcome.pages
    assert len(outcome.warnings) == sample_warnings, "the example draws a warning"


def test_the_readmes_service_example_is_a_new_service_that_passes_check(tmp_path: Path) -> None:
    """It once reused the id of a sample service, so copying it made a duplicate."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("### A service record", 1)[1].split("```yaml\nservices:\n", 1)[1]
    record = example.split("```", 1)[0]
    root = copy_project(tmp_path / "project")
    services = root / "data" / "services.yaml"
    services.write_text(services.read_text(encoding="utf-8") + record, "utf-8")
    (added,) = re.findall(r"^  - id: (\S+)", record, re.M)
    assert added not in {s.id for s in check(ROOT, TODAY).project.services}
    assert added in {s.id for s in check(root, TODAY).project.services}


# --- the generator's sessions, run as a person runs them -----------------------------------

#: What a terminal draws besides text: colour, cursor moves, bracketed paste.
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-Z\\-_=>])")


def _drawn(raw: bytes) -> str:
    return ESCAPES.sub("", raw.decode("utf-8", "replace")).replace("\r", "")


def screen(raw: bytes) -> list[str]:
    """What a terminal shows of ``raw``, line by line (line numbers of data files as N:
    they follow the sample data, which changes)."""
    text = re.sub(r"(\.yaml):\d+", r"\1:N", _drawn(raw))
    return [line.rstrip() for line in text.rstrip("\n").split("\n")]


def converse(
    argv: list[str], answers: list[str], cwd: Path, timeout: float = 120
) -> tuple[int, bytes]:
    """Run ``argv`` in a pseudo-terminal, typing each answer (and Enter) once the screen
    ends in the prompt ``> ``; its exit code and everything the terminal received."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 500, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "LOCAL_OFFER_TODAY": TODAY.isoformat()}
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True
    )
    os.close(slave)
    received = bytearray()
    deadline = time.monotonic() + timeout

    def read_until(prompted: bool) -> None:
        """Read until the screen (since the last answer) ends in the prompt, or, without
        ``prompted``, until the program ends."""
        since = len(received)
        while not (prompted and _drawn(bytes(received[since:])).endswith("> ")):
            ready, _, _ = select.select([master], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                shown = "\n".join(screen(bytes(received))[-15:])
                pytest.fail(f"no prompt came; the screen ends:\n{shown}")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the program has ended and closed the terminal
                chunk = b""
            if not chunk:
                if prompted:
                    pytest.fail("the program ended before every answer was typed")
                return
            received.extend(chunk)

    try:
        for answer in answers:
            read_until(prompted=True)
            os.write(master, answer.encode("utf-8") + b"\r")
        read_until(prompted=False)
    finally:
        os.close(master)
        code = process.wait(timeout=timeout)
    return code, bytes(received)


def session(text: str) -> tuple[list[str], list[str], list[str]]:
    """A session of the guide: the command, the answers typed, and the screen."""
    first, *shown = text.rstrip("\n").split("\n")
    assert first.startswith("$ .venv/bin/python -m generator "), first
    command = shlex.split(first[2:])
    answers = [line[2:] for line in shown if line.startswith(">")]
    return [sys.executable, *command[1:]], answers, screen("\n".join(shown).encode())


def run_session(root: Path, text: str, *more: str) -> tuple[list[str], list[str]]:
    """Run a session of the guide in ``root`` (with ``more`` after its command), as the
    guide shows it; the screen it showed and the one the guide shows."""
    for name, written in WRITTEN.findall(GUIDE):
        (root / name).write_text(written, encoding="utf-8")
    argv, answers, expected = session(text)
    code, received = converse([*argv, *more], answers, root)
    shown = screen(received)
    assert code == 0, "\n".join(shown)
    return shown, expected


def _example(file: str, field: str, value: str) -> dict[str, Any]:
    """The guide's example for ``file`` whose ``field`` is ``value``, as ``check`` reads it."""
    key = Path(file).stem
    for named, text in EXAMPLES:
        record = _read(f"{key}:\n{text}", key)[0]
        if named == file and record.get(field) == value:
            return record
    raise AssertionError(f"no example in {file} with {field} {value!r}")


def _read(text: str, key: str) -> list[dict[str, Any]]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.yaml"
        path.write_text(text, encoding="utf-8")
        source, problems = load_yaml(path, "data.yaml")
    assert not problems, problems
    records: list[dict[str, Any]] = source.data[key]
    return records


def test_every_command_of_the_guide_is_in_a_session_the_tests_run() -> None:
    commands = [line for line in GUIDE.splitlines() if "-m generator" in line]
    assert commands == [text.split("\n", 1)[0] for text in SESSIONS]
    assert len(SESSIONS) >= 2
    assert any(re.search(r"^> (.*)\n[^>\n].*is not.*\n> ", text, re.M) for text in SESSIONS), (
        "a session shows a wrong answer, what is wrong with it, and its correction"
    )


@pytest.mark.parametrize("text", SESSIONS, ids=[t.split("\n", 1)[0][2:] for t in SESSIONS])
def test_each_session_of_the_guide_runs_as_shown(tmp_path: Path, text: str) -> None:
    """Every command, every answer (wrong ones too) and every line on the screen, and the
    record it adds is the guide's own example of that record (but for the id and date)."""
    root = copy_project(tmp_path / "project")
    shown, expected = run_session(root, text)
    assert shown == expected
    kind, made, file = re.fullmatch(
        r"ok: added (\w+) '([\w-]+)' at (data/[\w/]+\.yaml):N; read it through, then run check",
        shown[-1],
    ).groups()  # type: ignore[union-attr]
    project = check(root, TODAY).project  # raises DataError if the record is not valid
    key = {"service": "services", "update": "updates"}[kind]
    added = _read((root / file).read_text(encoding="utf-8"), key)[-1]
    assert added["id"] == made and made in {record.id for record in getattr(project, key)}
    named_by = "name" if kind == "service" else "title"
    example = _example(f"data/{key}.yaml", named_by, str(added[named_by]))
    made_by_new = {"id", "date", "last_reviewed"}
    assert {k: v for k, v in added.items() if k not in made_by_new} == {
        k: v for k, v in example.items() if k not in made_by_new
    }
    assert added.get("last_reviewed", added.get("date")) == TODAY.isoformat()


def test_a_providers_file_is_started_as_the_guide_says(tmp_path: Path) -> None:
    """ "put `--file services/acme-therapies.yaml` after `new service`": the first session
    again, with that option; the file and its folder are started."""
    found = re.search(r"put\s+`(--file (services/[\w-]+\.yaml))`\s+after\s+`new service`", GUIDE)
    assert found, "the guide says how to add a service to a provider's file"
    option, file = found.groups()
    text = next(
        t for t in SESSIONS if t.startswith("$ .venv/bin/python -m generator new service\n")
    )
    root = copy_project(tmp_path / "project")
    shown, expected = run_session(root, text, *option.split())
    assert shown[:-1] == expected[:-1]
    assert shown[-1] == expected[-1].replace("data/services.yaml", f"data/{file}")
    lines = (root / "data" / file).read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["# yaml-language-server: $schema=../../schemas/services.schema.json",
                         "services:"]  # fmt: skip
    assert check(root, TODAY).project.services[-1].name == "Talk Time drop-in (Grays)"


def test_the_up_arrow_brings_back_the_last_answer_to_correct_it(tmp_path: Path) -> None:
    """The guide says so of a wrong answer: the terminal's line editing is on."""
    root = copy_project(tmp_path / "project")
    up, rub_out = "\x1b[A", "\x7f"
    answers = ["Drop-in times", "consultation", "When suits you?", "https://www.example.org/a",
               "11/01/2027", up + rub_out * 10 + "2027-01-11", "2027-02-19",
               "parents-and-carers", ""]  # fmt: skip
    argv = [sys.executable, "-m", "generator", "new", "survey"]
    code, received = converse(argv, answers, root)
    assert code == 0, "\n".join(screen(received))
    assert "The up arrow brings\n  back what you typed last" in GUIDE
    assert str(check(root, TODAY).project.surveys[-1].opens) == "2027-01-11"
