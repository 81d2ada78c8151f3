"""A function whose code object is missing fails to deploy, like AWS.

moto's S3 backend returns None (no MissingKey) for an absent key, so CreateFunction and
UpdateFunctionCode with `S3Bucket`/`S3Key` pointing at nothing succeed with empty code: a deploy
whose asset upload went wrong reports CREATE_COMPLETE and the function fails only when invoked.
Lambda answers InvalidParameterValueException (NoSuchKey), so the stack rolls back at once.
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix

_NO_SUCH_KEY = (
    "Error occurred while GetObject. S3 Error Code: NoSuchKey. "
    "S3 Error Message: The specified key does not exist."
)


def _require_object(account_id: str, partition: str, code: dict[str, Any]) -> None:
    from moto.awslambda.exceptions import InvalidParameterValueException
    from moto.awslambda.models import do_validate_s3
    from moto.s3.models import s3_backends

    if not do_validate_s3() or "S3Bucket" not in code or "S3Key" not in code:
        return
    # A missing bucket already raises in moto; only the missing key goes unnoticed.
    from moto.s3.exceptions import MissingBucket

    try:
        found = s3_backends[account_id][partition].get_object(code["S3Bucket"], code["S3Key"])
    except MissingBucket:
        return
    if found is None:
        raise InvalidParameterValueException(_NO_SUCH_KEY)


def _validate(original: Any) -> Any:
    def _validate_s3_bucket_and_key(account_id: str, partition: str, data: dict[str, Any]) -> Any:
        _require_object(account_id, partition, data)
        return original(account_id, partition, data)

    return _validate_s3_bucket_and_key


def _set_code(original: Any) -> Any:
    def _set_function_code(self: Any, updated_spec: dict[str, Any]) -> None:
        if updated_spec is not self.code and not updated_spec.get("DryRun"):
            _require_object(self.account_id, self.partition, updated_spec)
        original(self, updated_spec)

    return _set_function_code


def _install() -> None:
    from moto.awslambda import models

    models._validate_s3_bucket_and_key = _validate(models._validate_s3_bucket_and_key)
    models.LambdaFunction._set_function_code = _set_code(models.LambdaFunction._set_function_code)  # type: ignore[method-assign]


FIX = Fix(
    name="lambda_code_object_must_exist",
    description="Lambda code from a missing S3 object fails (NoSuchKey) instead of deploying empty code",
    install=_install,
)
