"""An HTTP API's `ApiEndpoint` attribute is its AWS URL.

AWS: `Fn::GetAtt Api.ApiEndpoint` of an `AWS::ApiGatewayV2::Api` (CDK's `HttpApi.api_endpoint`,
`HttpApi.url`) is `https://{api}.execute-api.{region}.amazonaws.com` (`wss://` for a WebSocket API).
MiniStack: it returns its own `http://{api}.execute-api.localhost:PORT`, a name Python's and Node's
resolvers do not resolve, and a form the runner's output rewriting (runner/local/outputs.py, which
maps AWS URLs to the engine's path form) does not recognise.
Wraps: the AWS::ApiGatewayV2::Api create and update provisioners return the AWS form as the
attribute; the API itself (GetApi's apiEndpoint) is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provisioned = tuple[str, dict[str, Any]]


def apply() -> None:
    from ministack.core.responses import get_region
    from ministack.services.cloudformation import provisioners

    handlers = provisioners._RESOURCE_HANDLERS["AWS::ApiGatewayV2::Api"]

    def aws_form(provision: Callable[..., Provisioned]) -> Callable[..., Provisioned]:
        def provisioned(*args: Any, **kwargs: Any) -> Provisioned:
            api_id, attributes = provision(*args, **kwargs)
            if "ApiEndpoint" in attributes:
                scheme = "wss" if str(attributes["ApiEndpoint"]).startswith("ws") else "https"
                attributes = {
                    **attributes,
                    "ApiEndpoint": f"{scheme}://{api_id}.execute-api.{get_region()}.amazonaws.com",
                }
            return api_id, attributes

        return provisioned

    for operation in ("create", "update"):
        handlers[operation] = aws_form(handlers[operation])
