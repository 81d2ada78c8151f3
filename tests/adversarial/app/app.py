"""A CDK app command without aws-cdk-lib: writes a cloud assembly by hand, so a deploy costs the
CDK CLI's time only (no 6-30 s synth). The runner drives it exactly like any CDK app.

Environment knobs (the adversarial tests set them): ADV_ENV_DUMP=<file> writes the names of the
variables the app sees; ADV_BROKEN=<export name> adds a second stack that imports that (missing)
export; ADV_OUTPUT=<text> is the value of the stack's `Note` output.
"""

import json
import os
from pathlib import Path

context = json.loads(os.environ.get("CDK_CONTEXT_JSON") or "{}")
stack_name = context.get("serverless-pr-test:stack-name", "adv-local")
out_dir = Path(os.environ["CDK_OUTDIR"])
out_dir.mkdir(parents=True, exist_ok=True)
if os.environ.get("ADV_ENV_DUMP"):
    Path(os.environ["ADV_ENV_DUMP"]).write_text("\n".join(sorted(os.environ)), encoding="utf-8")
queue = {
    "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
    "Outputs": {
        "QueueUrl": {"Value": {"Ref": "Queue"}},
        "Note": {"Value": os.environ.get("ADV_OUTPUT", "plain")},
    },
}
artifacts = {
    "Main": {
        "type": "aws:cloudformation:stack",
        "environment": "aws://unknown-account/unknown-region",
        "properties": {"templateFile": "Main.template.json", "stackName": stack_name},
    }
}
(out_dir / "Main.template.json").write_text(json.dumps(queue), encoding="utf-8")
if os.environ.get("ADV_BROKEN"):
    broken = {
        "Resources": {
            "Queue": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"QueueName": {"Fn::ImportValue": os.environ["ADV_BROKEN"]}},
            }
        }
    }
    (out_dir / "Broken.template.json").write_text(json.dumps(broken), encoding="utf-8")
    artifacts["Broken"] = {
        "type": "aws:cloudformation:stack",
        "environment": "aws://unknown-account/unknown-region",
        "properties": {"templateFile": "Broken.template.json", "stackName": f"{stack_name}-broken"},
        "dependencies": ["Main"],
    }
manifest = {"version": "36.0.0", "artifacts": artifacts}
(out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
