"""Outputs that refer to a resource type moto cannot create are left out, not a crash.

moto skips resource types it has no model for (AWS::Lambda::Url, AWS::ApiGatewayV2::*, ...), then
crashes validating an Output that reads an attribute of one (`'NoneType' object has no attribute
'has_cfn_attr'`, HTTP 500 on CreateStack), fails DescribeStacks for a GetAtt, and renders a Ref as
the text "None" (`https://None.execute-api...`). The value does not exist locally, so the output is
omitted (a test reading it gets a clear "missing output") and the rest of the stack deploys.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from runner.local.fixes.delete_in_dependency_order import dependencies
from runner.local.fixes.fix import Fix

logger = logging.getLogger(__name__)


@functools.cache
def _is_skipped_type(resource_type: str) -> bool:
    """Cached: moto logs a warning on every lookup of a type it has no model for. Only called while
    serving requests, after every fix (and model registration) is installed."""
    from moto.cloudformation import parsing

    return parsing.resource_class_from_type(resource_type) is None


def _skipped_resources(resource_json_map: dict[str, Any]) -> set[str]:
    return {
        name
        for name, definition in resource_json_map.items()
        if not str(definition.get("Type", "")).startswith("Custom::")
        and _is_skipped_type(str(definition.get("Type", "")))
    }


def _reads_skipped(output_json: Any, resource_json_map: dict[str, Any], skipped: set[str]) -> bool:
    # Reuse the dependency walker: an output is a one-entry "template" whose references we want.
    referenced = dependencies({**resource_json_map, "__output__": {"Value": output_json}})["__output__"]
    return bool(referenced & skipped)


def _validate_outputs(original: Any) -> Any:
    def validate_outputs(self: Any) -> None:
        outputs = self._template.get("Outputs") or {}
        skipped = _skipped_resources(self._resource_json_map)
        kept = {
            key: value
            for key, value in outputs.items()
            if not _reads_skipped(value, self._resource_json_map, skipped)
        }
        if len(kept) == len(outputs):
            original(self)
            return
        template = self._template
        self._template = {**template, "Outputs": kept}
        try:
            original(self)
        finally:
            self._template = template

    return validate_outputs


def _output_item(original: Any) -> Any:
    def __getitem__(self: Any, key: str) -> Any:
        resource_json_map = self._resource_map._resource_json_map
        output_json = (self._output_json_map or {}).get(key)
        if _reads_skipped(output_json, resource_json_map, _skipped_resources(resource_json_map)):
            logger.warning("output %s reads a resource type the local endpoint does not create; omitted", key)
            return None
        return original(self, key)

    return __getitem__


def _install() -> None:
    from moto.cloudformation.parsing import OutputMap, ResourceMap

    ResourceMap.validate_outputs = _validate_outputs(ResourceMap.validate_outputs)  # type: ignore[method-assign]
    OutputMap.__getitem__ = _output_item(OutputMap.__getitem__)  # type: ignore[method-assign]


FIX = Fix(
    name="outputs_of_skipped_resources",
    description="Outputs reading a resource type moto skips are omitted instead of a 500 or 'None'",
    install=_install,
)
