"""Reuse the previous synth when nothing it reads has changed.

`python app.py` dominates a local deploy (6-37 s). Its inputs are the app's sources, the stack name
passed in context, the CLI and the account/region it is told about; when none changed, the
assembly already in the work dir is the one a new synth would write.
"""

from __future__ import annotations

import json
from pathlib import Path

from runner.deploy.assembly import CloudAssembly
from runner.deploy.cdk import CdkCli
from runner.dev.sources import content_hash
from runner.errors import SynthError

STAMP_FILE = "serverless-pr-test-synth.json"
# What the app may read from its environment to decide what it synthesizes.
SYNTH_ENVIRONMENT = ("CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION", "AWS_REGION", "AWS_DEFAULT_REGION")


class CachingCdkCli(CdkCli):
    """A CdkCli whose synth returns the previous assembly when the synth key is unchanged."""

    def synth_key(self, stack_name: str, out_dir: Path) -> str:
        extra = {"stack-name": stack_name, "cdk": str(self.executable)}
        extra.update({name: self.env.get(name, "") for name in SYNTH_ENVIRONMENT})
        # A work dir inside the app holds this very assembly: never an input of it.
        return content_hash(self.app_dir, extra, excluded=frozenset({out_dir.resolve().parent}))

    def synth(self, stack_name: str, out_dir: Path) -> CloudAssembly:
        key = self.synth_key(
            stack_name, out_dir
        )  # before the synth: the app may write files (cdk.context.json)
        cached = reusable_assembly(out_dir, key)
        if cached is not None:
            self.echo(f"Reusing the previous synth in {out_dir} (the app's sources are unchanged)")
            return cached
        stamp = out_dir / STAMP_FILE
        assembly = super().synth(stack_name, out_dir)
        stamp.write_text(json.dumps({"key": key}) + "\n", encoding="utf-8")
        return assembly


def reusable_assembly(out_dir: Path, key: str) -> CloudAssembly | None:
    try:
        stamp = json.loads((out_dir / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("key") != key:
        return None
    try:
        assembly = CloudAssembly.read(out_dir)
    except SynthError:
        return None
    return assembly if assembly.stacks else None
