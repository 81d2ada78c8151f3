"""Hot-swap: a function's new code straight into the running function, no synth, no change set.

Like `cdk watch`'s hotswap, the stack's template still names the old asset until the next deploy,
which then carries the same code. The zip holds the source directory minus caches (the excludes a
code asset usually has); the engine replaces the function's warm workers on UpdateFunctionCode.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from runner.dev.assets import CodeAsset, FunctionCode
from runner.dev.sources import source_files
from runner.errors import DeployError, WaitTimeoutError
from runner.polling import eventually

UPDATE_TIMEOUT_SECONDS = 60.0
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same sources give the same zip (and CodeSha256)


def zip_directory(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in source_files(directory):
            entry = zipfile.ZipInfo(path.relative_to(directory).as_posix(), date_time=_FIXED_TIME)
            entry.external_attr = (path.stat().st_mode & 0o777 | 0o100000) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())
    return buffer.getvalue()


class CodeSwapper:
    """Updates deployed functions' code in place; takes its clients, so tests point it anywhere."""

    def __init__(self, lambda_client: Any, cloudformation_client: Any) -> None:
        self._lambda = lambda_client
        self._cloudformation = cloudformation_client
        self._names: dict[tuple[str, str], str] = {}

    def function_name(self, code: FunctionCode) -> str:
        """The physical name CloudFormation gave the function (cached: it changes only on replace)."""
        key = (code.stack_name, code.logical_id)
        if key not in self._names:
            detail = self._cloudformation.describe_stack_resource(
                StackName=code.stack_name, LogicalResourceId=code.logical_id
            )["StackResourceDetail"]
            self._names[key] = str(detail["PhysicalResourceId"])
        return self._names[key]

    def forget_names(self) -> None:
        """After a deploy: a replaced function has a new physical name."""
        self._names.clear()

    def swap(self, assets: Iterable[CodeAsset]) -> list[str]:
        """Upload each asset's directory to each of its functions; returns the names updated."""
        try:
            return self._swap(assets)
        except (BotoCoreError, ClientError) as error:
            raise DeployError(f"updating the function code failed: {error}") from error
        except AssertionError as error:  # eventually's timeout
            raise WaitTimeoutError(str(error)) from error

    def _swap(self, assets: Iterable[CodeAsset]) -> list[str]:
        updated: list[str] = []
        for asset in assets:
            archive = zip_directory(asset.source_dir)
            for code in asset.functions:
                name = self.function_name(code)
                self._lambda.update_function_code(FunctionName=name, ZipFile=archive)
                updated.append(name)
        for name in updated:
            self._wait_updated(name)
        return updated

    def _wait_updated(self, name: str) -> None:
        def status() -> str:
            configuration = self._lambda.get_function_configuration(FunctionName=name)
            return str(configuration.get("LastUpdateStatus") or "Successful")

        final = eventually(
            status,
            until=lambda value: value in ("Successful", "Failed"),
            timeout=UPDATE_TIMEOUT_SECONDS,
            description=f"{name} to finish its code update",
        )
        if final == "Failed":
            raise DeployError(f"the code update of {name} failed")
