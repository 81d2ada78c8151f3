"""`serverless-pr-test check` as a user runs it: the real CDK CLI synthesizes the app, the stacks get
their per-PR names, and the preflight reads the synthesized templates."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from tests.support.cli import run_cli

REPO = Path(__file__).resolve().parents[3]
APPS = REPO / "tests" / "fixtures" / "cdk_apps"
EXAMPLE = REPO / "stacks" / "example"

# Every hazard the hazards app was written to contain: (hazard, stack, resource fragment).
EXPECTED = {
    ("shared name", "hazards-pr-77-storage", "Storage/Uploads"),
    ("shared name", "hazards-pr-77-storage", "Storage/Forms"),
    ("shared name", "hazards-pr-77-storage", "Storage/Jobs"),
    ("shared name", "hazards-pr-77-storage", "Storage/Alerts"),
    ("shared name", "hazards-pr-77-storage", "Storage/Worker"),
    ("shared name", "hazards-pr-77-storage", "Storage/Audit"),
    ("shared name", "hazards-pr-77-storage", "Storage/Endpoint"),
    ("shared name", "hazards-pr-77-storage", "Storage/ApiKey"),
    ("shared name", "hazards-pr-77-storage", "Storage/Orders"),
    ("shared name", "hazards-pr-77-storage", "Storage/Nightly"),
    ("shared name", "hazards-pr-77-storage", "Storage/Flow"),
    ("shared name", "hazards-pr-77-storage", "Storage/Handler"),
    ("shared name", "hazards-pr-77-storage", "Storage/Archive/Archived"),
    ("shared export name", "hazards-pr-77-storage", "output JobsQueueUrl"),
    ("outlives destroy", "hazards-pr-77-storage", "Storage/Forms"),
    ("outlives destroy", "hazards-pr-77-storage", "Storage/Scratch"),
    ("outlives destroy", "hazards-pr-77-storage", "Storage/Api/CloudWatchRole"),
    ("outlives destroy", "hazards-pr-77-storage", "Storage/Api/Account"),
    ("name too long", "hazards-pr-77-storage", "Storage/Reporter"),
    ("hard-coded account/region", "hazards-pr-77-storage", "Storage/Worker/DefaultPolicy"),
    ("hard-coded account/region", "hazards-pr-77-processing", "stack Processing"),
    ("context lookup", "(app)", "ssm:account=111122223333:parameterName=/acme/vpc-id:region=eu-west-1"),
    ("docker image asset", "hazards-pr-77-processing", "image Renderer/AssetImage"),
}
FINDING = re.compile(
    r"^  (error|warning): (?P<hazard>[^:]+): (?P<stack>\S+) (?P<resource>.+?)(?: \(\w+\))?: "
)


def check(app_dir: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "SPT_", "AWS_"))}
    env.update(
        AWS_EC2_METADATA_DISABLED="true",  # no credentials anywhere: a laptop without an AWS account
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        CDK_HOME=str(tmp_path / "cdk-home"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
    )
    return run_cli(["check", str(app_dir), "--work-dir", str(tmp_path / "work"), *args], tmp_path, env, 600)


def found(stdout: str) -> set[tuple[str, str, str]]:
    return {
        (match["hazard"], match["stack"], match["resource"])
        for line in stdout.splitlines()
        if (match := FINDING.match(line))
    }


def test_check_finds_every_hazard_in_the_hazards_app_and_stops_on_shared_names(tmp_path):
    app = tmp_path / "hazards"
    shutil.copytree(APPS / "hazards", app)
    completed = check(app, tmp_path, "--pr", "77")
    assert completed.returncode == 11, completed.stdout + completed.stderr
    assert found(completed.stdout) == EXPECTED, completed.stdout
    assert "14 hazard(s) that stop the deploy, 9 warning(s)" in completed.stdout
    assert completed.stderr.count("Error: ") == 1
    assert "14 resource(s) would have the same name in every PR's copy" in completed.stderr
    assert "--allow-shared-names" in completed.stderr
    assert "Traceback" not in completed.stderr
    summary = (tmp_path / "summary.md").read_text()
    assert summary.count("| ❌ |") == 14
    assert summary.count("| ⚠️ |") == 9


def test_the_example_app_has_no_hazards(tmp_path):
    completed = check(EXAMPLE, tmp_path, "--pr", "12")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no per-PR isolation or clean-up hazards found" in completed.stdout


def test_an_unmodified_multi_stack_app_is_checked_under_its_per_pr_names_and_needs_its_parameter(tmp_path):
    app = tmp_path / "catalog"
    shutil.copytree(APPS / "catalog", app)
    missing = check(app, tmp_path)
    assert missing.returncode == 2, missing.stdout + missing.stderr
    assert "names are checked as PR 10000's would be" in missing.stdout
    assert "Stack CatalogData is deployed as catalog-pr-10000-catalogdata" in missing.stdout
    assert "no per-PR isolation or clean-up hazards found" in missing.stdout
    assert "needs a value for its parameter 'PriceHistoryDays' (it has no Default)" in missing.stderr
    given = check(app, tmp_path, "--pr", "5", "--parameters", "CatalogData:PriceHistoryDays=30")
    assert given.returncode == 0, given.stdout + given.stderr
