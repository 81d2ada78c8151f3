"""An AWS::SSM::Parameter without `Name` gets a generated name, like CloudFormation.

moto passes the missing Name straight to PutParameter (`'NoneType' object has no attribute
'lower'`), so a CDK `ssm.StringParameter` without `parameter_name` fails the deploy. CloudFormation
generates `CFN-<logicalId>-<suffix>` for it (Ref returns that name).
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix


def _create(original: Any) -> Any:
    def create_from_cloudformation_json(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        from moto.cloudformation.utils import random_suffix

        properties = cloudformation_json.get("Properties") or {}
        if not properties.get("Name"):
            # CloudFormation's own pattern; the stack-based name moto generates may start with the
            # reserved prefixes "aws"/"ssm" (a stack named ssm-...).
            generated = f"CFN-{kwargs.get('LogicalId', 'Parameter')}-{random_suffix()}"
            cloudformation_json = {**cloudformation_json, "Properties": {**properties, "Name": generated}}
        return original(resource_name, cloudformation_json, account_id, region_name, **kwargs)

    return create_from_cloudformation_json


def _install() -> None:
    from moto.ssm.models import Parameter

    Parameter.create_from_cloudformation_json = classmethod(  # type: ignore[assignment,method-assign]
        _create(Parameter.create_from_cloudformation_json)
    )


FIX = Fix(
    name="ssm_parameter_generated_name",
    description="An SSM Parameter without Name gets a generated name instead of failing the deploy",
    install=_install,
)
