"""EDITING.md, the comms staff's task guide: every example in it works as it is.

Each YAML example is marked ``<!-- example: data/FILE.yaml -->``; the test appends it to a
copy of the sample, as the guide tells staff to, and the copy must pass ``check`` with the
new record in it (and, for a service or an update, a page made for it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.pipeline import check

from .conftest import TODAY, copy_project

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = re.compile(r"<!-- example: (data/[\w/.-]+\.yaml) -->\n```yaml\n(.*?)```", re.S)
EXAMPLES = EXAMPLE.findall((ROOT / "EDITING.md").read_text(encoding="utf-8"))


def test_the_guide_has_an_example_for_every_task() -> None:
    files = [file for file, _ in EXAMPLES]
    assert files.count("data/services.yaml") == 2  # add a service; retire one
    assert files.count("data/surveys.yaml") == 2  # open a consultation; its outcome
    assert "data/updates.yaml" in files and "data/documents.yaml" in files


@pytest.mark.parametrize(("file", "text"), EXAMPLES, ids=[f for f, _ in EXAMPLES])
def test_each_example_added_to_the_sample_passes_check(
    tmp_path: Path, file: str, text: str
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
    before = check(ROOT, TODAY).warnings
    assert len(outcome.warnings) == len(before), "the example draws a warning"
