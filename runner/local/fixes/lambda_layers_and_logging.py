"""A function's `Layers` and `LoggingConfig` from a template take effect, as on AWS.

moto builds `AWS::Lambda::Function` from a fixed list of properties that leaves out `Layers` and
`LoggingConfig`, and a `Ref` to an `AWS::Lambda::LayerVersion` gave the model object, not its ARN:
a CDK function with a layer deployed without it (its imports failed at the first invoke), and one
with its own log group (CDK's `logGroup`) logged to `/aws/lambda/<name>` instead.
CreateFunction and UpdateFunctionConfiguration ignored `LoggingConfig` too, and GetFunction never
returned it (AWS always does, with the default group when none is set).
"""

from __future__ import annotations

from typing import Any

from runner.local.fixes.fix import Fix
from runner.local.lambda_host.function_spec import default_log_group


def logging_config(requested: dict[str, Any] | None, function_name: str) -> dict[str, str]:
    """What Lambda stores and returns: the format (Text unless JSON) and the group (default one)."""
    requested = requested or {}
    config = {
        "LogFormat": str(requested.get("LogFormat") or "Text"),
        "LogGroup": str(requested.get("LogGroup") or default_log_group(function_name)),
    }
    for level in ("ApplicationLogLevel", "SystemLogLevel"):
        if requested.get(level):
            config[level] = str(requested[level])
    return config


def _install() -> None:
    from moto.awslambda.models import LambdaFunction, LayerVersion

    # CloudFormation's Ref of a layer version is its ARN.
    layer_class: Any = LayerVersion
    layer_class.physical_resource_id = property(lambda layer: layer.arn)
    function_class: Any = LambdaFunction
    original_init = function_class.__init__
    original_create = function_class.create_from_cloudformation_json.__func__
    original_update = function_class.update_configuration
    original_configuration = function_class.get_configuration

    def __init__(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, spec, *args, **kwargs)
        self.logging_config = logging_config(spec.get("LoggingConfig"), self.function_name)

    def create_from_cloudformation_json(
        cls: Any, resource_name: str, cloudformation_json: dict[str, Any], *args: Any, **kwargs: Any
    ) -> Any:
        function = original_create(cls, resource_name, cloudformation_json, *args, **kwargs)
        properties = cloudformation_json.get("Properties", {})
        if properties.get("Layers"):
            function.layers = function._get_layers_data(properties["Layers"])
        function.logging_config = logging_config(properties.get("LoggingConfig"), function.function_name)
        return function

    def update_configuration(self: Any, config: dict[str, Any]) -> Any:
        result = original_update(self, config)
        if "LoggingConfig" in config:
            self.logging_config = logging_config(config["LoggingConfig"], self.function_name)
        return result

    def get_configuration(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        configuration: dict[str, Any] = original_configuration(self, *args, **kwargs)
        configuration["LoggingConfig"] = getattr(self, "logging_config", None) or logging_config(
            None, self.function_name
        )
        return configuration

    function_class.__init__ = __init__
    function_class.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)
    function_class.update_configuration = update_configuration
    function_class.get_configuration = get_configuration


FIX = Fix(
    name="lambda_layers_and_logging",
    description="a template's Layers and LoggingConfig apply; GetFunction returns LoggingConfig",
    install=_install,
)
