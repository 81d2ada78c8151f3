"""Updating a function whose code is inline (`Code.ZipFile`) stores a real zip.

moto's create path wraps inline source in a zip (index.py), but its update path passes the source
text to update_function_code, which base64-decodes it into garbage bytes. CloudFormation treats
inline code the same on create and update.
"""

from __future__ import annotations

import base64
from typing import Any

from runner.local.fixes.fix import Fix


def _update(original: Any) -> Any:
    def update_from_cloudformation_json(
        cls: Any,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        code = cloudformation_json.get("Properties", {}).get("Code", {})
        if isinstance(code.get("ZipFile"), str):
            zipped = cls._create_zipfile_from_plaintext_code(code["ZipFile"])
            properties = dict(cloudformation_json["Properties"])
            properties["Code"] = {**code, "ZipFile": base64.b64encode(zipped)}
            cloudformation_json = {**cloudformation_json, "Properties": properties}
        return original(original_resource, new_resource_name, cloudformation_json, account_id, region_name)

    return update_from_cloudformation_json


def _install() -> None:
    from moto.awslambda.models import LambdaFunction

    original = LambdaFunction.update_from_cloudformation_json
    LambdaFunction.update_from_cloudformation_json = classmethod(_update(original))  # type: ignore[assignment,method-assign]


FIX = Fix(
    name="inline_lambda_code_update",
    description="An inline (ZipFile) Lambda update stores a zip of the source, as on create",
    install=_install,
)
