"""Give each rewritten template its own asset hash, which is also its S3 object key.

The CDK CLI deploys a stack from the template's S3 object (`stackTemplateAssetObjectUrl`) and skips
an upload when an object with that key exists. Two PRs' renamed templates differ but were
synthesized with the same hash, so each rewritten template gets the sha256 of its new content as its
id, everywhere the assembly names it: the asset manifest's entry and object key, manifest.json's
template URL, and a parent template's `TemplateURL` for a nested stack (whose own template changes
with it, so nested templates are re-keyed first).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from runner.errors import SynthError

ASSET_MANIFEST_SUFFIX = ".assets.json"


@dataclass(frozen=True)
class FileAsset:
    asset_id: str
    source: Path


def rekey_templates(directories: Sequence[Path], changed: Iterable[Path]) -> None:
    """Re-key every changed template that is a file asset, and every template that changes with it."""
    assets = {asset.source: asset for asset in _file_assets(directories)}
    documents = [
        path.resolve()
        for directory in directories
        for path in sorted(directory.glob("*.json"))
        if not path.name.startswith("asset.")  # an asset's own files are the app's content
    ]
    changed_sources = [path.resolve() for path in changed]
    pending = {path: assets[path].asset_id for path in changed_sources if path in assets}
    while pending:
        texts = {path: path.read_text(encoding="utf-8") for path in documents}
        ready = next(
            (
                source
                for source in pending
                if not any(other != source and pending[other] in texts[source] for other in pending)
            ),
            None,
        )
        if ready is None:
            raise SynthError("cloud assembly templates reference each other's asset ids in a cycle")
        old_id = pending.pop(ready)
        new_id = hashlib.sha256(ready.read_bytes()).hexdigest()
        if new_id == old_id:
            continue
        for path, text in texts.items():
            if old_id in text:
                path.write_text(text.replace(old_id, new_id), encoding="utf-8")
                if path != ready and path in assets and path not in pending:
                    pending[path] = assets[path].asset_id


def _file_assets(directories: Sequence[Path]) -> list[FileAsset]:
    found: list[FileAsset] = []
    for directory in directories:
        for manifest_path in sorted(directory.glob(f"*{ASSET_MANIFEST_SUFFIX}")):
            try:
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise SynthError(f"asset manifest {manifest_path} is unreadable: {error}") from error
            for asset_id, entry in manifest.get("files", {}).items():
                source = entry.get("source", {}).get("path")
                if isinstance(source, str):
                    found.append(FileAsset(asset_id, (directory / source).resolve()))
    return found
