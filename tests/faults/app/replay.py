"""A CDK app command that replays one real synth under the stack name the runner asks for.

The fault suite synthesizes app.py once per session (6-12 s each time); every case's deploy runs
`cdk synth` through the runner as usual, and this command writes that assembly into the CLI's
output directory with the manifest's stack name set from the `serverless-pr-test:stack-name`
context key, which is all a new synth of app.py would change.
"""

import json
import os
import shutil
from pathlib import Path

context = json.loads(os.environ.get("CDK_CONTEXT_JSON") or "{}")
stack_name = context.get("serverless-pr-test:stack-name")  # absent when `cdk bootstrap` runs the app
source = Path(context["fault-assembly"])
out_dir = Path(os.environ["CDK_OUTDIR"])
shutil.copytree(source, out_dir, dirs_exist_ok=True)
manifest_path = out_dir / "manifest.json"
manifest = json.loads(manifest_path.read_text())
for artifact in manifest["artifacts"].values():
    if artifact.get("type") == "aws:cloudformation:stack" and stack_name:
        artifact["properties"]["stackName"] = stack_name
manifest_path.write_text(json.dumps(manifest, indent=1))
