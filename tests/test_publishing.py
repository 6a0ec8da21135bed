"""CI publishes the site: the GitHub Actions workflows and the pre-commit hook.

The workflows are checked against GitHub's own workflow schema, offline, with
``check-jsonschema --builtin-schema vendor.github-workflows``; what each one runs is read
from it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def _workflow(name: str) -> dict[str, Any]:
    flow: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    flow["on"] = flow.pop(True, flow.get("on"))  # YAML 1.1 reads the key `on` as true
    return flow


def _runs(flow: dict[str, Any]) -> list[str]:
    return [step.get("run") or step.get("uses", "") for job in flow["jobs"].values()
            for step in job["steps"]]  # fmt: skip


def test_the_workflows_pass_githubs_schema() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["checks.yml", "publish.yml"]
    tool = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(tool), "--builtin-schema", "vendor.github-workflows", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_pull_request_is_checked_strictly_tested_and_its_site_attached() -> None:
    flow = _workflow("checks.yml")
    assert "pull_request" in flow["on"]
    runs = _runs(flow)
    assert runs.index("make check-strict") < runs.index("bash .ci/run") < runs.index("make site")
    upload = next(
        step for job in flow["jobs"].values() for step in job["steps"]
        if step.get("uses", "").startswith("actions/upload-artifact@")
    )  # fmt: skip
    assert upload["with"]["path"] == "site/"


def test_main_and_every_morning_publish_to_github_pages() -> None:
    flow = _workflow("publish.yml")
    assert flow["on"]["push"]["branches"] == ["main"]
    (schedule,) = flow["on"]["schedule"]
    assert re.fullmatch(r"\d+ \d+ \* \* \*", schedule["cron"])  # once a day
    runs = _runs(flow)
    assert "make site" in runs
    assert any(r.startswith("actions/upload-pages-artifact@") for r in runs)
    assert any(r.startswith("actions/deploy-pages@") for r in runs)
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_the_make_targets_the_workflows_run_exist() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("check-strict", "site", "test", "lint"):
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_pre_commit_checks_changed_data_and_pages() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = config["repos"][0]["hooks"]
    assert hook["entry"].endswith("-m generator check")
    pattern = re.compile(hook["files"])
    assert pattern.search("data/services.yaml") and pattern.search("content/glossary.md")
    assert not pattern.search("generator/cli.py")
