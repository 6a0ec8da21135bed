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
