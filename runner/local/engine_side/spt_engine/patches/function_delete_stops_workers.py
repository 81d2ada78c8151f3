"""Deleting a function through CloudFormation ends its execution environments.

AWS: once a stack deletes a function, nothing of it keeps running or costs memory.
MiniStack: its CloudFormation delete drops the function record but leaves its warm workers (a
Python or Node.js process each, 30-60 MB) running until the idle reaper, 5 minutes later; a
machine that deploys and destroys apps all day piles them up. (Its Lambda DeleteFunction API does
stop them.)
Wraps: the AWS::Lambda::Function delete provisioner also stops the function's workers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def apply() -> None:
    from ministack.services import lambda_svc
    from ministack.services.cloudformation import provisioners

    original: Callable[[str, dict[str, Any]], Any] = provisioners._lambda_delete

    def lambda_delete(physical_id: str, props: dict[str, Any]) -> Any:
        result = original(physical_id, props)
        lambda_svc.invalidate_worker(physical_id)
        return result

    provisioners._lambda_delete = lambda_delete
    provisioners._RESOURCE_HANDLERS["AWS::Lambda::Function"]["delete"] = lambda_delete
