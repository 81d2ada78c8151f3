"""The dev loop's cycles with in-process stages: a failed deploy does not end the session, the next
edit deploys again, a test edit then reruns only that file, and the end destroys what was deployed."""

from __future__ import annotations

from collections.abc import Sequence

from runner.dev.hotswap import CodeSwapper
from runner.dev.loop import DevLoop, DevRequest, DevStages, SuiteOutcome
from runner.errors import SynthError
from runner.record import DeployedStack, DeploymentRecord

RECORD = DeploymentRecord(
    repository="acme/shop", pr_number=None, commit="c", run_id="r", region="us-east-1",
    endpoint_url="http://localhost:1", stacks=(DeployedStack("shop-local", "CREATE_COMPLETE"),),
    tags={}, deployed_at="2026-01-01T00:00:00Z",
)  # fmt: skip


def test_a_failed_deploy_waits_for_the_fix_and_test_edits_rerun_only_their_file(tmp_path):
    app = tmp_path / "app"
    (app / "tests").mkdir(parents=True)
    (app / "cdk.json").write_text("{}")
    test_file = app / "tests" / "test_a.py"
    test_file.write_text("def test_a(): pass\n")
    deploys: list[str] = []
    test_runs: list[tuple[str, ...]] = []
    destroyed: list[DeploymentRecord | None] = []
    lines: list[str] = []
    edits = iter([1, 2])

    def deploy() -> DeploymentRecord:
        deploys.append("deploy")
        if len(deploys) == 1:
            raise SynthError("the CDK app failed to synthesize")
        return RECORD

    def run_tests(targets: Sequence[str]) -> SuiteOutcome:
        test_runs.append(tuple(targets))
        return SuiteOutcome(exit_code=0, tests=1)

    def destroy(record: DeploymentRecord | None) -> str:
        destroyed.append(record)
        return "destroyed 1 stack(s), 0 leftovers"

    def echo(line: str) -> None:
        lines.append(line)
        if line.startswith("Watching"):  # the user's next edit, made while the loop waits
            test_file.write_text(f"def test_a(): pass  # edit {next(edits)}\n")

    stages = DevStages(deploy, run_tests, CodeSwapper(None, None), destroy)
    request = DevRequest(
        app_dir=app, tests="tests", work_dir=tmp_path / "work", max_cycles=2, idle_timeout=30
    )
    assert DevLoop(request, stages, echo=echo).run() == 0

    cycles = [line for line in lines if line.startswith("cycle")]
    assert cycles[0].startswith("cycle 0: first deploy -> error: the CDK app failed to synthesize")
    assert cycles[1].startswith("cycle 1: tests change (tests/test_a.py) -> deployed shop-local")
    assert cycles[2].startswith("cycle 2: tests change (tests/test_a.py) -> reran tests/test_a.py")
    assert test_runs == [(), ("tests/test_a.py",)]
    assert destroyed == [RECORD]


def test_keep_leaves_the_stack_and_says_how_to_remove_it(tmp_path):
    app = tmp_path / "app"
    (app / "tests").mkdir(parents=True)
    lines: list[str] = []
    destroyed: list[DeploymentRecord | None] = []
    stages = DevStages(
        deploy=lambda: RECORD,
        run_tests=lambda targets: SuiteOutcome(exit_code=1, tests=3),
        swapper=CodeSwapper(None, None),
        destroy=lambda record: destroyed.append(record) or "",
    )
    request = DevRequest(app_dir=app, tests="tests", work_dir=tmp_path / "work", keep=True, max_cycles=0)
    assert DevLoop(request, stages, echo=lines.append).run() == 1
    assert destroyed == []
    assert "cycle 0: first deploy -> deployed shop-local" in lines[0]
    assert "3 test(s) failed" in lines[0]
    assert lines[-1] == "Kept shop-local (--keep): `serverless-pr-test destroy --local` removes them"
