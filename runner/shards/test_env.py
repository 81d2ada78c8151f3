"""What the team's tests see: outputs as a JSON file and one environment variable per output."""

from __future__ import annotations

import json
import re
from pathlib import Path

from runner.record import DeploymentRecord

OUTPUT_PREFIX = "SPT_OUTPUT_"
_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[^A-Za-z0-9]+")


def output_variable(key: str) -> str:
    """`InventoryTableName` -> `SPT_OUTPUT_INVENTORY_TABLE_NAME`; `shop-pr-1.Url` -> `..._SHOP_PR_1_URL`."""
    words = [word for word in _WORD_BOUNDARY.split(key) if word]
    return OUTPUT_PREFIX + "_".join(word.upper() for word in words)


def environment_for_tests(record: DeploymentRecord, record_path: Path, outputs_path: Path) -> dict[str, str]:
    """Writes the outputs file and returns the variables to add to the test process's environment."""
    outputs = record.merged_outputs()
    outputs_path.parent.mkdir(parents=True, exist_ok=True)
    outputs_path.write_text(json.dumps(outputs, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    env = {
        "SPT_RECORD_FILE": str(record_path),
        "SPT_OUTPUTS_FILE": str(outputs_path),
        "SPT_RUN_ID": record.run_id,
        "SPT_STACK_NAMES": ",".join(record.stack_names),
        "AWS_REGION": record.region,
        "AWS_DEFAULT_REGION": record.region,
    }
    if record.endpoint_url:
        env["AWS_ENDPOINT_URL"] = record.endpoint_url
    env.update({output_variable(key): value for key, value in outputs.items()})
    return env
