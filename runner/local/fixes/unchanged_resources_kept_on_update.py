"""An update leaves resources whose template did not change alone.

moto's parse_resource adds `"Properties": {}` to the stored template of every resource declared
without Properties (a bare SNS Topic or SQS Queue). The next update compares that mutated entry
with the new template, sees a change, and re-creates the resource: a Topic loses its
subscriptions, a Queue its messages. CloudFormation only touches resources whose definition changed.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix


def _parse_resource(original: Any) -> Any:
    def parse_resource(resource_json: dict[str, Any], resources_map: Any) -> Any:
        # A shallow copy is enough: moto only assigns the top-level "Properties" key.
        return original(dict(resource_json), resources_map)

    return parse_resource


def _install() -> None:
    from moto.cloudformation import parsing

    parsing.parse_resource = _parse_resource(parsing.parse_resource)


FIX = Fix(
    name="unchanged_resources_kept_on_update",
    description="Updates no longer re-create resources declared without Properties",
    install=_install,
)
