"""What the host needs to know about one Lambda function, read once from moto's model per invocation."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from runner.local.lambda_host.runtimes import UnsupportedRuntimeError, python_version_of


@dataclass(frozen=True)
class LayerCode:
    arn: str
    sha256: str
    zip_bytes: bytes = b""


@dataclass(frozen=True)
class FunctionSpec:
    """A snapshot of a function's configuration and code; `fingerprint` changes whenever anything an
    execution environment was built from changes, so stale environments can be retired."""

    account_id: str
    region: str
    name: str
    arn: str
    version: str
    handler: str
    runtime: str
    memory_mb: int
    timeout_s: int
    environment: tuple[tuple[str, str], ...]
    code_sha256: str
    code_zip: bytes
    layers: tuple[LayerCode, ...]
    reserved_concurrency: int | None = None
    custom_log_group: str | None = None  # LoggingConfig.LogGroup (None: Lambda's default group)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.account_id, self.region, self.name, self.version)

    @property
    def log_group(self) -> str:
        return self.custom_log_group or default_log_group(self.name)

    @property
    def fingerprint(self) -> str:
        parts = {
            "handler": self.handler,
            "runtime": self.runtime,
            "memory": self.memory_mb,
            "timeout": self.timeout_s,
            "environment": self.environment,
            "code": self.code_sha256,
            "layers": [layer.sha256 for layer in self.layers],
            "log_group": self.log_group,
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]

    def require_runnable(self) -> str:
        """The Python version to run, or UnsupportedRuntimeError naming what cannot run here."""
        return python_version_of(self.runtime, self.name)


def spec_from_moto(function: Any) -> FunctionSpec:
    """Read moto's LambdaFunction (its attributes are untyped, hence Any)."""
    if getattr(function, "package_type", "Zip") == "Image":
        raise UnsupportedRuntimeError(
            f"serverless-pr-test local endpoint cannot run container image functions "
            f"(function {function.function_name}); only Python zip functions run locally"
        )
    layers = tuple(_layer_code(function, layer["Arn"]) for layer in function.layers or [])
    return FunctionSpec(
        account_id=function.account_id,
        region=function.region,
        name=function.function_name,
        arn=function.function_arn,
        version=str(function.version),
        handler=function.handler or "",
        runtime=function.run_time or "",
        memory_mb=int(function.memory_size or 128),
        timeout_s=int(function.timeout or 3),
        environment=tuple(sorted((str(k), str(v)) for k, v in (function.environment_vars or {}).items())),
        code_sha256=getattr(function, "code_digest", "") or hashlib.sha256(function.code_bytes).hexdigest(),
        code_zip=getattr(function, "code_bytes", b""),
        layers=layers,
        reserved_concurrency=_reserved(function),
        custom_log_group=configured_log_group(function),
    )


def default_log_group(function_name: str) -> str:
    return f"/aws/lambda/{function_name}"


def configured_log_group(function: Any) -> str:
    """The group a moto function logs to: its LoggingConfig's, else Lambda's default."""
    config = getattr(function, "logging_config", None) or {}
    return str(config.get("LogGroup") or default_log_group(function.function_name))


def _reserved(function: Any) -> int | None:
    value = getattr(function, "reserved_concurrency", None)
    return None if value is None or value == "" else int(value)


def _layer_code(function: Any, layer_arn: str) -> LayerCode:
    from moto.awslambda.utils import get_backend

    layer = get_backend(function.account_id, function.region).layers_versions_by_arn(layer_arn)
    if layer is None or not getattr(layer, "code_bytes", b""):
        return LayerCode(arn=layer_arn, sha256="")
    return LayerCode(arn=layer_arn, sha256=layer.code_digest, zip_bytes=layer.code_bytes)
