"""The example app synthesized once per session, and queries that find one resource in its template."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

EXAMPLE_DIR = Path(__file__).resolve().parents[3] / "stacks" / "example"
STACK_NAME = "shop-pr-12"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is being built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def example_app() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(EXAMPLE_DIR))  # the app imports its own `inventory_app` package
        yield _load(EXAMPLE_DIR / "app.py", "example_inventory_app")
    for name in [
        name for name in sys.modules if name == "inventory_app" or name.startswith("inventory_app.")
    ]:
        del sys.modules[name]


@dataclass(frozen=True)
class Synthesized:
    stack: Any
    template: Any  # aws_cdk.assertions.Template
    template_json: dict[str, Any]


@pytest.fixture(scope="session")
def synthesized(example_app: Any, tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    from aws_cdk.assertions import Template

    app = example_app.build_app(
        {example_app.STACK_NAME_CONTEXT_KEY: STACK_NAME}, outdir=str(tmp_path_factory.mktemp("cdk.out"))
    )
    (stack,) = [child for child in app.node.children if hasattr(child, "stack_name")]
    template = Template.from_stack(stack)
    return Synthesized(stack, template, dict(template.to_json()))


@pytest.fixture(scope="session")
def template(synthesized: Synthesized) -> Any:
    return synthesized.template


@pytest.fixture(scope="session")
def resources(synthesized: Synthesized) -> dict[str, dict[str, Any]]:
    resources_by_id: dict[str, dict[str, Any]] = synthesized.template_json["Resources"]
    return resources_by_id


def _only(resources: dict[str, dict[str, Any]], resource_type: str, **properties: Any) -> str:
    """The logical id of the one resource of `resource_type` whose properties include `properties`."""
    matches = [
        logical_id
        for logical_id, resource in resources.items()
        if resource["Type"] == resource_type
        and all(resource.get("Properties", {}).get(key) == value for key, value in properties.items())
    ]
    assert len(matches) == 1, f"{resource_type} {properties}: {matches}"
    return matches[0]


def _function(resources: dict[str, dict[str, Any]], handler: str) -> str:
    return _only(resources, "AWS::Lambda::Function", Handler=handler)


def _table(resources: dict[str, dict[str, Any]], key: str) -> str:
    return _only(resources, "AWS::DynamoDB::Table", KeySchema=[{"AttributeName": key, "KeyType": "HASH"}])


def _queue(resources: dict[str, dict[str, Any]], construct_name: str) -> str:
    (logical_id,) = [
        logical_id
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::SQS::Queue" and logical_id.startswith(construct_name)
    ]
    return logical_id
