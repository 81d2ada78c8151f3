"""Which app directory is which Lambda function's code, read from a synthesized assembly.

A function's `Code.S3Key` names a file asset in `<stack>.assets.json` (or its metadata names the
staged copy, `aws:asset:path`); the synth staged a copy of the source directory under cdk.out. The
copy is matched back to the app directory it came from by content, so any `Code.from_asset(dir)`
works without knowing how the app builds its paths.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.dev.sources import file_digest, source_files

FUNCTION_TYPE = "AWS::Lambda::Function"
STACK_ARTIFACT = "aws:cloudformation:stack"


@dataclass(frozen=True)
class FunctionCode:
    """One function of one stack whose code is a directory asset."""

    stack_name: str
    logical_id: str
    staged_dir: Path  # the copy under cdk.out


@dataclass(frozen=True)
class CodeAsset:
    """An app directory and the functions deployed from it."""

    source_dir: Path
    functions: tuple[FunctionCode, ...]


def function_codes(assembly_dir: Path) -> list[FunctionCode]:
    codes: list[FunctionCode] = []
    manifest = _json(assembly_dir / "manifest.json")
    for artifact in (manifest.get("artifacts") or {}).values():
        if artifact.get("type") != STACK_ARTIFACT:
            continue
        properties = artifact.get("properties") or {}
        template_path = assembly_dir / str(properties.get("templateFile", ""))
        if not template_path.is_file():
            continue
        stack_name = str(properties.get("stackName") or template_path.name.removesuffix(".template.json"))
        staged_by_key = _staged_dirs_by_object_key(assembly_dir, template_path)
        resources = _json(template_path).get("Resources") or {}
        for logical_id, resource in resources.items():
            if resource.get("Type") != FUNCTION_TYPE:
                continue
            code = (resource.get("Properties") or {}).get("Code") or {}
            staged = staged_by_key.get(str(code.get("S3Key")))
            asset_path = (resource.get("Metadata") or {}).get("aws:asset:path")
            if staged is None and isinstance(asset_path, str):
                staged = assembly_dir / asset_path
            if staged is not None and staged.is_dir():
                codes.append(FunctionCode(stack_name, logical_id, staged))
    return codes


def code_assets(assembly_dir: Path, app_dir: Path) -> list[CodeAsset]:
    """Code directories of the app (never the app directory itself: then every edit is a handler's)."""
    by_staged: dict[Path, list[FunctionCode]] = defaultdict(list)
    for code in function_codes(assembly_dir):
        by_staged[code.staged_dir].append(code)
    assets: list[CodeAsset] = []
    app_files = [path.relative_to(app_dir) for path in source_files(app_dir)]
    for staged, functions in by_staged.items():
        source = source_directory(staged, app_dir, app_files)
        if source is not None and source != app_dir:
            assets.append(CodeAsset(source, tuple(functions)))
    return assets


def source_directory(staged: Path, app_dir: Path, app_files: list[Path]) -> Path | None:
    """The app directory holding every staged file with the same content, fewest extra files first."""
    staged_files = {path.relative_to(staged): file_digest(path) for path in source_files(staged)}
    if not staged_files:
        return None
    anchor = max(staged_files, key=lambda relative: len(relative.parts))
    candidates = []
    for relative in app_files:
        if relative.parts[-len(anchor.parts) :] != anchor.parts or len(relative.parts) < len(anchor.parts):
            continue
        root = app_dir.joinpath(*relative.parts[: len(relative.parts) - len(anchor.parts)])
        if all(file_digest(root / name) == digest for name, digest in staged_files.items()):
            extra = sum(1 for _ in source_files(root)) - len(staged_files)
            candidates.append((extra, len(root.parts), root))
    return min(candidates)[2] if candidates else None


def _staged_dirs_by_object_key(assembly_dir: Path, template_path: Path) -> dict[str, Path]:
    assets_path = template_path.with_name(template_path.name.replace(".template.json", ".assets.json"))
    if not assets_path.is_file():
        return {}
    staged: dict[str, Path] = {}
    for entry in (_json(assets_path).get("files") or {}).values():
        source = entry.get("source") or {}
        if source.get("packaging") != "zip" or not source.get("path"):
            continue
        for destination in (entry.get("destinations") or {}).values():
            staged[str(destination.get("objectKey"))] = assets_path.parent / str(source["path"])
    return staged


def _json(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}
