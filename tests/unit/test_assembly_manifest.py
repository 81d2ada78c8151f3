"""Reading a cloud assembly: its manifest (nested stage assemblies too) and the deployment order."""

import json

import pytest

from runner.deploy.assembly import CloudAssembly, StackArtifact, deployment_order
from runner.errors import SynthError


def stack(artifact_id, *depends_on):
    return StackArtifact(artifact_id, f"name-{artifact_id}", tuple(depends_on))


def test_dependencies_deploy_first_and_independent_stacks_keep_manifest_order():
    ordered = deployment_order([stack("api", "data"), stack("data"), stack("web"), stack("other")])
    ids = [item.artifact_id for item in ordered]
    assert ids.index("data") < ids.index("api")
    assert ids == ["data", "api", "web", "other"]


def test_dependency_cycles_are_reported():
    with pytest.raises(SynthError, match="cycle"):
        deployment_order([stack("a", "b"), stack("b", "a")])


def test_manifest_with_nested_stage_assembly_is_read(tmp_path):
    nested = tmp_path / "assembly-Prod"
    nested.mkdir()
    (nested / "manifest.json").write_text(
        json.dumps(
            {
                "artifacts": {
                    "ProdApi": {
                        "type": "aws:cloudformation:stack",
                        "properties": {"stackName": "shop-pr-1-api"},
                    },
                }
            }
        )
    )
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "artifacts": {
                    "Main.assets": {"type": "cdk:asset-manifest"},
                    "Main": {
                        "type": "aws:cloudformation:stack",
                        "properties": {"stackName": "shop-pr-1"},
                        "dependencies": ["Main.assets"],
                    },
                    "assembly-Prod": {
                        "type": "cdk:cloud-assembly",
                        "properties": {"directoryName": "assembly-Prod", "displayName": "Prod"},
                    },
                }
            }
        )
    )
    assembly = CloudAssembly.read(tmp_path)
    assert assembly.stack_names == ("shop-pr-1", "shop-pr-1-api")
    assert assembly.stacks[0].depends_on == ()  # asset manifests are not stacks
    assert assembly.stacks[1].artifact_id == "Prod/ProdApi"


def test_unreadable_manifest_is_a_synth_error(tmp_path):
    with pytest.raises(SynthError, match="unreadable"):
        CloudAssembly.read(tmp_path)
