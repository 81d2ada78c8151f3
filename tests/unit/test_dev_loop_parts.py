"""The dev loop's pure parts: what an edit means, what counts as an edit, where code came from."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from io import BytesIO
from pathlib import Path

from runner.deploy.synth_cache import STAMP_FILE, reusable_assembly
from runner.dev.assets import CodeAsset, FunctionCode, code_assets, source_directory
from runner.dev.changes import ChangeKind, SourceWatcher, classify
from runner.dev.hotswap import zip_directory
from runner.dev.sources import content_hash, source_files


def make_app(root: Path) -> Path:
    files = {
        "app.py": "GREETING = 'hello'\n",
        "cdk.json": '{"app": "python3 app.py"}\n',
        "handler/index.py": "VERSION = '1'\n",
        "tests/conftest.py": "",
        "tests/helpers.py": "",
        "tests/test_a.py": "def test_a(): pass\n",
        "tests/test_b.py": "def test_b(): pass\n",
    }
    for name, body in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body)
    return root


def handler_asset(app: Path) -> CodeAsset:
    return CodeAsset(app / "handler", (FunctionCode("s", "Fn", app / "cdk.out" / "asset.x"),))


def test_a_test_file_edit_reruns_only_that_file(tmp_path):
    app = make_app(tmp_path)
    plan = classify([app / "tests/test_b.py"], app, app / "tests", [handler_asset(app)])
    assert plan.kind is ChangeKind.TESTS
    assert plan.test_targets == ("tests/test_b.py",)


def test_a_conftest_or_helper_edit_reruns_every_test(tmp_path):
    app = make_app(tmp_path)
    for shared in ("tests/conftest.py", "tests/helpers.py"):
        plan = classify([app / "tests/test_a.py", app / shared], app, app / "tests", [])
        assert (plan.kind, plan.test_targets) == (ChangeKind.TESTS, ())


def test_a_conftest_anywhere_reruns_every_test_and_a_stray_test_file_needs_nothing(tmp_path):
    app = make_app(tmp_path)
    (app / "tests_handlers").mkdir()
    conftest = classify([app / "conftest.py"], app, app / "tests", [])
    assert (conftest.kind, conftest.test_targets) == (ChangeKind.TESTS, ())
    stray = classify([app / "tests_handlers" / "test_reserve.py"], app, app / "tests", [])
    assert stray.kind is ChangeKind.NONE


def test_a_handler_edit_swaps_that_code_and_an_app_edit_redeploys(tmp_path):
    app = make_app(tmp_path)
    asset = handler_asset(app)
    handler = classify([app / "handler/index.py", app / "tests/test_a.py"], app, app / "tests", [asset])
    assert (handler.kind, handler.assets, handler.test_targets) == (ChangeKind.HANDLER, (asset,), ())
    infrastructure = classify([app / "handler/index.py", app / "app.py"], app, app / "tests", [asset])
    assert (infrastructure.kind, infrastructure.assets) == (ChangeKind.INFRASTRUCTURE, ())
    assert infrastructure.describe() == "infrastructure change (app.py, handler/index.py)"


def test_the_watcher_sees_edits_and_removals_but_not_touches_outputs_or_caches(tmp_path):
    app = make_app(tmp_path / "app")
    work = app / "work"
    watcher = SourceWatcher(app, excluded=frozenset({work}))
    os.utime(app / "app.py", ns=(1, 1))  # a touch: same content
    for written in (
        "cdk.out/manifest.json",
        "tests/__pycache__/x.pyc",
        "work/record.json",
        "cdk.context.json",
    ):
        (app / written).parent.mkdir(parents=True, exist_ok=True)
        (app / written).write_text("{}")
    assert watcher.changes() == set()
    (app / "handler/index.py").write_text("VERSION = '2'\n")
    (app / "tests/test_b.py").unlink()
    assert watcher.changes() == {app / "handler/index.py", app / "tests/test_b.py"}
    assert watcher.changes() == set()
    assert watcher.wait(timeout=0.5, poll=0.1) == set()


def test_the_content_hash_ignores_outputs_and_follows_sources(tmp_path):
    app = make_app(tmp_path)
    before = content_hash(app, {"stack-name": "a"})
    (app / "cdk.out").mkdir()
    (app / "cdk.out" / "manifest.json").write_text("{}")
    assert content_hash(app, {"stack-name": "a"}) == before
    assert content_hash(app, {"stack-name": "b"}) != before
    (app / "app.py").write_text("GREETING = 'hej'\n")
    assert content_hash(app, {"stack-name": "a"}) != before


def test_a_staged_asset_is_traced_back_to_its_app_directory(tmp_path):
    app = make_app(tmp_path / "app")
    (app / "lib" / "handler").mkdir(parents=True)
    (app / "lib" / "handler" / "index.py").write_text("VERSION = '1'\n")  # same name, same content
    (app / "lib" / "handler" / "extra.py").write_text("")
    staged = tmp_path / "cdk.out" / "asset.abc"
    shutil.copytree(app / "handler", staged)
    app_files = [path.relative_to(app) for path in source_files(app)]
    assert source_directory(staged, app, app_files) == app / "handler"  # the exact match wins
    (app / "handler" / "index.py").write_text("VERSION = '2'\n")
    assert source_directory(staged, app, app_files) == app / "lib" / "handler"


def test_code_assets_read_functions_from_the_assembly(tmp_path):
    app = make_app(tmp_path / "app")
    assembly = tmp_path / "cdk.out"
    shutil.copytree(app / "handler", assembly / "asset.abc")
    (assembly / "manifest.json").write_text(
        json.dumps({"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {
            "templateFile": "s-pr-1.template.json", "stackName": "s-pr-1"}}}})
    )  # fmt: skip
    (assembly / "s-pr-1.assets.json").write_text(
        json.dumps({"files": {"abc": {"source": {"path": "asset.abc", "packaging": "zip"},
                                      "destinations": {"d": {"objectKey": "abc.zip"}}}}})
    )  # fmt: skip
    function = {"Type": "AWS::Lambda::Function", "Properties": {"Code": {"S3Key": "abc.zip"}}}
    (assembly / "s-pr-1.template.json").write_text(
        json.dumps({"Resources": {"Fn": function, "Other": {"Type": "AWS::SQS::Queue"}}})
    )
    [asset] = code_assets(assembly, app)
    assert asset.source_dir == app / "handler"
    assert asset.functions == (FunctionCode("s-pr-1", "Fn", assembly / "asset.abc"),)


def test_the_code_zip_is_the_directory_without_caches_and_is_reproducible(tmp_path):
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "index.cpython-311.pyc").write_bytes(b"x")
    (tmp_path / "index.py").write_text("VERSION = '1'\n")
    archive = zip_directory(tmp_path)
    assert zipfile.ZipFile(BytesIO(archive)).namelist() == ["index.py"]
    os.utime(tmp_path / "index.py", ns=(5, 5))
    assert zip_directory(tmp_path) == archive


def test_a_previous_synth_is_reused_only_under_the_same_key(tmp_path):
    assembly = tmp_path / "cdk.out"
    assembly.mkdir()
    (assembly / "manifest.json").write_text(
        json.dumps({"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {}}}})
    )
    assert reusable_assembly(assembly, "k1") is None  # no stamp: never reused
    (assembly / STAMP_FILE).write_text(json.dumps({"key": "k1"}))
    reused = reusable_assembly(assembly, "k1")
    assert reused is not None
    assert reused.stack_names == ("S",)
    assert reusable_assembly(assembly, "k2") is None
