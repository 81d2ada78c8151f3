"""AWS::Events::Rule on a custom bus.

`Ref` of an AWS::Events::EventBus is the bus name in CloudFormation. moto's EventBus model has no
`physical_resource_id`, so its template engine hands the Rule the EventBus object itself and
put_rule fails with `'EventBus' object has no attribute 'split'` (HTTP 500, stack left
CREATE_IN_PROGRESS).
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix


def _bus_name(bus: Any) -> str:
    return str(bus.name)


def _install() -> None:
    from moto.events.models import EventBus

    setattr(EventBus, "physical_resource_id", property(_bus_name))  # noqa: B010 - moto declares no such attribute


FIX = Fix(
    name="events_rule_custom_bus",
    description="Ref of an EventBus resolves to its name, so Rules on custom buses create",
    install=_install,
)
