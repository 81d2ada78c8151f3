"""The house rules a newcomer relies on, checked: the README's Layout names every folder by its real
path, every command lives in one folder of its own, modules stay small, and argparse stays in the
CLI layer."""

import ast
import re
import subprocess
from pathlib import Path

from runner.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAX_MODULE_LINES = 300


def layout_block() -> str:
    section = README.split("\n## Layout\n", 1)[1]
    return section.split("```\n", 1)[1].split("```", 1)[0]


def named_folders() -> list[str]:
    return [line.split()[0] for line in layout_block().splitlines() if line and not line.startswith(" ")]


def tracked_python_files() -> list[Path]:
    """Every Python file git tracks where the project's code lives (node_modules holds none, and
    runner/local/engine_side/ is held to the same limit: none of its files is near it)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", "runner", "tests", "benchmarks", "stacks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [ROOT / name for name in listed.split("\0") if name.endswith(".py") and (ROOT / name).is_file()]


def runner_modules() -> list[Path]:
    return [path for path in (ROOT / "runner").rglob("*.py") if "engine_side" not in path.parts]


def test_the_layout_names_every_runner_folder_and_only_folders_that_exist():
    named = named_folders()
    for folder in named:
        assert (ROOT / folder).is_dir(), f"README Layout names {folder}, which does not exist"
    package_dirs = {
        path.parent.relative_to(ROOT).as_posix() + "/"
        for path in (ROOT / "runner").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    missing = sorted(package_dirs - set(named))
    assert not missing, f"README Layout does not name {missing}"


def test_the_layout_names_only_modules_that_exist_in_the_folder_it_puts_them():
    for line_block in re.split(r"\n(?=\S)", layout_block()):
        folder, _, text = line_block.partition(" ")
        for module in re.findall(r"(?<![\w*-])([a-z_-]+\.(?:py|json|yml))\b", text):
            candidates = [ROOT / folder / module, ROOT / ".github/workflows" / module]
            assert any(path.exists() for path in candidates), f"{folder}: {module} does not exist there"


def test_every_command_lives_in_a_folder_of_its_own_that_the_readme_names():
    folders = {}
    for command in COMMANDS:
        path = ROOT / (command.module.replace(".", "/") + ".py")
        assert path.is_file(), command
        assert path.name == "command.py", command
        folder = path.parent.relative_to(ROOT).as_posix() + "/"
        assert folder not in folders.values(), f"{command.name} shares {folder}"
        folders[command.name] = folder
        assert re.search(rf"^\| `{command.name}[ `].*\| `{re.escape(folder)}` \|", README, re.M), (
            f"the README's Commands table does not map `{command.name}` to {folder}"
        )


def test_no_runner_module_is_over_300_lines():
    long = {
        path.relative_to(ROOT).as_posix(): lines
        for path in runner_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, long


def test_no_python_file_in_runner_tests_benchmarks_or_stacks_is_over_300_lines():
    long = {
        path.relative_to(ROOT).as_posix(): lines
        for path in tracked_python_files()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"over {MAX_MODULE_LINES} lines: {dict(sorted(long.items()))}"


def test_only_the_cli_layer_imports_argparse():
    cli_layer = {ROOT / "runner/cli"}
    offenders = []
    for path in runner_modules():
        if path.name == "command.py" or any(parent in cli_layer for parent in path.parents):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.split(".")[0] == "argparse" for name in names):
                offenders.append(path.relative_to(ROOT).as_posix())
    assert not offenders, offenders


def test_testing_holds_only_what_users_import():
    from runner import testing

    modules = {path.stem for path in (ROOT / "runner/testing").glob("*.py")} - {"__init__"}
    exported_from = {getattr(testing, name).__module__.rsplit(".", 1)[1] for name in testing.__all__}
    assert modules <= exported_from, (
        f"runner/testing/ modules nothing public comes from: {modules - exported_from}"
    )
