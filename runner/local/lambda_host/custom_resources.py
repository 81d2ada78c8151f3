"""Lambda-backed CloudFormation custom resources (`Custom::*` and `AWS::CloudFormation::CustomResource`).

Fixed against stock moto: the ResponseURL pointed at host.docker.internal:5000 (unreachable here);
ResourceProperties kept booleans and numbers where CloudFormation sends strings; only Create was ever
sent; a FAILED response was ignored (the stack hung in CREATE_IN_PROGRESS); the PhysicalResourceId a
handler returned was dropped; `AWS::CloudFormation::CustomResource` (the CDK default type) was skipped.

Requests run synchronously inside the stack operation, so resources that `Fn::GetAtt` the custom
resource see its Data, as on AWS where CloudFormation waits for the response before moving on.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from typing import Any
from urllib.parse import quote

from runner.local.lambda_host import service
from runner.local.lambda_host.endpoints import current_endpoint_port
from runner.local.lambda_host.function_spec import spec_from_moto
from runner.local.lambda_host.runtimes import UnsupportedRuntimeError

_logger = logging.getLogger(__name__)
GENERIC_TYPE = "AWS::CloudFormation::CustomResource"
# RequestId -> the resource whose handler is answering it; a replaced resource's Delete has no
# logical id of its own in the stack any more, so responses are matched by RequestId.
_pending: dict[str, Any] = {}
_pending_lock = threading.Lock()
_RETRY_WINDOW_S = 10.0
_failed_creates: dict[tuple[str, str, str], str] = {}


def stringify_properties(value: Any) -> Any:
    """CloudFormation hands every scalar in ResourceProperties to the handler as a string."""
    if isinstance(value, dict):
        return {key: stringify_properties(item) for key, item in value.items()}
    if isinstance(value, list):
        return [stringify_properties(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def response_url(region: str, stack_id: str) -> str:
    return (
        f"http://localhost:{current_endpoint_port()}/cloudformation_{region}/cfnresponse"
        f"?stack={quote(stack_id, safe='')}"
    )


def _send(resource: Any, request_type: str, old_properties: dict[str, Any] | None = None) -> str | None:
    """Invoke the handler with one request and return None on SUCCESS, else the failure reason."""
    from moto.awslambda.utils import get_backend

    resource.request_id = str(uuid.uuid4())
    resource.spt_response = None
    event: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": resource.spt_service_token,
        "ResponseURL": response_url(resource.region_name, resource.spt_stack_id),
        "StackId": resource.spt_stack_id,
        "RequestId": resource.request_id,
        "LogicalResourceId": resource.logical_id,
        "ResourceType": resource.spt_resource_type,
        "ResourceProperties": resource.spt_properties,
    }
    if request_type != "Create":
        event["PhysicalResourceId"] = resource.physical_resource_id
    if old_properties is not None:
        event["OldResourceProperties"] = old_properties
    function: Any
    try:
        function = get_backend(resource.spt_account_id, resource.region_name).get_function(
            resource.spt_service_token
        )
    except Exception:
        # moto deletes a stack's resources in set order, not reverse dependency order, so the
        # function may already be gone when its custom resource's Delete is due; CloudFormation
        # would still have it, so the last known function answers.
        function = getattr(resource, "spt_function", None)
        if function is None or request_type != "Delete":
            return f"ServiceToken {resource.spt_service_token} is not a Lambda function in this endpoint"
    resource.spt_function = function
    try:
        spec_from_moto(function).require_runnable()
    except UnsupportedRuntimeError as error:
        # CDK's Provider framework, AwsCustomResource, autoDeleteObjects and LogRetention are Node.js.
        return str(error)
    with _pending_lock:
        _pending[resource.request_id] = resource
    try:
        outcome = service.invoke_sync(function, event)
    finally:
        with _pending_lock:
            _pending.pop(resource.request_id, None)
    response = resource.spt_response
    if response is not None:
        return None if response.get("Status") == "SUCCESS" else str(response.get("Reason") or "FAILED")
    if outcome is None:
        return f"{function.function_name} cannot run on the local endpoint (see its log group)"
    detail = json.loads(outcome.payload or b"null") if outcome.function_error else None
    message = detail.get("errorMessage") if isinstance(detail, dict) else None
    return f"custom resource handler {function.function_name} returned without a response" + (
        f": {message}" if message else ""
    )


class CustomResourceFailed(Exception):
    """A handler answered FAILED or not at all. Raised inside the stack operation, where the
    CloudFormation fixes (runner.local.fixes) turn it into CREATE_FAILED and a rollback, UPDATE_FAILED
    and an update rollback, or DELETE_FAILED; it never reaches the CLI."""

    def __init__(self, logical_id: str, reason: str) -> None:
        self.message = f"Received response status [FAILED] from custom resource {logical_id}. {reason}"
        super().__init__(self.message)


def _create(
    cls: Any,
    /,
    resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    from moto.cloudformation.models import cloudformation_backends

    properties = cloudformation_json["Properties"]
    resource = cls(region_name, str(uuid.uuid4()), kwargs["LogicalId"], resource_name)
    resource.spt_account_id = account_id
    resource.spt_stack_id = kwargs["StackId"]
    resource.spt_resource_type = kwargs["ResourceType"]
    resource.spt_service_token = properties["ServiceToken"]
    resource.spt_properties = stringify_properties(properties)
    resource.spt_physical_id = None
    attempt = (
        resource.spt_stack_id,
        resource.logical_id,
        json.dumps(resource.spt_properties, sort_keys=True),
    )
    if attempt in _failed_creates:
        # moto re-creates a missing resource whenever something reads it (describe_stacks resolving
        # the Outputs of a failed stack); CloudFormation asked once and got no.
        raise CustomResourceFailed(resource.logical_id, _failed_creates[attempt])
    stack = cloudformation_backends[account_id][region_name].get_stack(resource.spt_stack_id)
    stack.add_custom_resource(resource)
    failure = _send(resource, "Create")
    if failure is not None:
        _failed_creates[attempt] = failure
        raise CustomResourceFailed(resource.logical_id, failure)
    return resource


def _update(
    cls: Any,
    /,
    original_resource: Any,
    new_resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
) -> Any:
    old_properties = original_resource.spt_properties
    old_physical_id = original_resource.physical_resource_id
    new_properties = stringify_properties(cloudformation_json["Properties"])
    if new_properties == old_properties:
        return original_resource
    rejected = getattr(original_resource, "spt_rejected", None)
    if rejected == (new_properties, old_properties, _operation_window()):
        # moto retries a failed update up to 4 times within one stack operation (milliseconds apart);
        # CloudFormation asks the handler once.
        raise CustomResourceFailed(original_resource.logical_id, "update rejected")
    original_resource.spt_properties = new_properties
    original_resource.spt_service_token = new_properties["ServiceToken"]
    failure = _send(original_resource, "Update", old_properties)
    if failure is not None:
        original_resource.spt_properties = old_properties
        original_resource.spt_service_token = old_properties["ServiceToken"]
        original_resource.spt_rejected = (new_properties, old_properties, _operation_window())
        raise CustomResourceFailed(original_resource.logical_id, failure)
    if original_resource.physical_resource_id != old_physical_id:
        # A new physical id means replacement: CloudFormation then deletes the old resource.
        replaced = _snapshot(original_resource, old_physical_id, old_properties)
        _send(replaced, "Delete")
    return original_resource


def _operation_window() -> int:
    return int(time.monotonic() // _RETRY_WINDOW_S)


def _snapshot(resource: Any, physical_id: str, properties: dict[str, Any]) -> Any:
    copy = type(resource)(
        resource.region_name, resource.request_id, resource.logical_id, resource.resource_name
    )
    copy.__dict__.update(resource.__dict__)
    copy.spt_physical_id = physical_id
    copy.spt_properties = properties
    return copy


def _delete(resource: Any, account_id: str, region_name: str) -> None:
    if getattr(resource, "spt_service_token", None) is None:
        return
    failure = _send(resource, "Delete")
    if failure is not None:
        raise CustomResourceFailed(resource.logical_id, failure)


def _process_response(self: Any) -> tuple[int, dict[str, Any], str]:
    """The handler's PUT to ResponseURL: record the answer for the request waiting on it."""
    try:
        body = json.loads(self.body or "{}")
    except ValueError:
        return 400, {"status": 400}, json.dumps({"message": "response body is not JSON"})
    with _pending_lock:
        resource = _pending.get(str(body.get("RequestId")))
    if resource is None:
        return 404, {"status": 404}, json.dumps({"message": "no custom resource request is waiting for this"})
    if body.get("Status") == "SUCCESS":
        resource.set_data(body.get("Data") or {})
        if body.get("PhysicalResourceId"):
            resource.spt_physical_id = str(body["PhysicalResourceId"])
    resource.spt_response = body
    return 200, {"status": 200}, ""


def _physical_resource_id(self: Any) -> str:
    return str(getattr(self, "spt_physical_id", None) or self.resource_name)


def install() -> None:
    import moto.cloudformation.parsing as parsing
    from moto.cloudformation.custom_model import CustomModel
    from moto.cloudformation.responses import CloudFormationResponse

    model: Any = CustomModel
    model.create_from_cloudformation_json = classmethod(_create)
    model.update_from_cloudformation_json = classmethod(_update)
    model.delete = _delete
    model.physical_resource_id = property(_physical_resource_id)
    responses: Any = CloudFormationResponse
    responses.process_cfn_response = _process_response

    # Wrapped, not replaced, so other fixes to the type map compose with this one.
    class_for_type = parsing.resource_class_from_type

    def resource_class_from_type(resource_type: str) -> Any:
        if resource_type == GENERIC_TYPE:
            return CustomModel
        return class_for_type(resource_type)

    parsing.resource_class_from_type = resource_class_from_type
