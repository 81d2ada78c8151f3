"""--parameters and the action input: parsed strictly, checked against every stack's template, and
handed to the CDK CLI addressed to the per-PR stack names."""

from __future__ import annotations

import json

import pytest

from runner.deploy.assembly import CloudAssembly
from runner.deploy.assembly_rename import RenamedAssembly, StackRename
from runner.deploy.parameters import ParameterInputs, from_flags, from_lines
from runner.errors import ConfigError


@pytest.fixture
def renamed(tmp_path):
    """CatalogData (deployed as catalog-pr-7-data) needs Days and may take Stage; CatalogApi takes Stage."""
    templates = {
        "CatalogData": {
            "Days": {"Type": "Number"},
            "Stage": {"Type": "String", "Default": "dev"},
            "Secret": {"Type": "String", "Default": "", "NoEcho": True},
            "BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/cdk"},
        },
        "CatalogApi": {"Stage": {"Type": "String", "Default": "dev"}},
    }
    names = {"CatalogData": "catalog-pr-7-data", "CatalogApi": "catalog-pr-7-api"}
    artifacts = {}
    for artifact_id, parameters in templates.items():
        (tmp_path / f"{artifact_id}.template.json").write_text(json.dumps({"Parameters": parameters}))
        artifacts[artifact_id] = {
            "type": "aws:cloudformation:stack",
            "properties": {"templateFile": f"{artifact_id}.template.json", "stackName": names[artifact_id]},
        }
    (tmp_path / "manifest.json").write_text(json.dumps({"artifacts": artifacts}))
    renames = tuple(StackRename(key, key, value) for key, value in names.items())
    return RenamedAssembly(CloudAssembly.read(tmp_path), renames)


def arguments(renamed, *flags):
    return ParameterInputs.parse(from_flags(flags)).cli_arguments(renamed)


def test_a_value_goes_to_every_stack_that_declares_the_key_under_its_per_pr_name(renamed):
    assert arguments(renamed, "Days=7", "Stage=qa=1") == (
        "--parameters=catalog-pr-7-data:Days=7",
        "--parameters=catalog-pr-7-data:Stage=qa=1",
        "--parameters=catalog-pr-7-api:Stage=qa=1",
    )


@pytest.mark.parametrize("stack", ["CatalogApi", "catalog-pr-7-api"])
def test_a_stack_addressed_value_beats_the_general_one_by_the_apps_name_or_the_per_pr_one(renamed, stack):
    assert arguments(renamed, "Days=7", f"{stack}:Stage=prod", "Stage=qa") == (
        "--parameters=catalog-pr-7-data:Days=7",
        "--parameters=catalog-pr-7-api:Stage=prod",
        "--parameters=catalog-pr-7-data:Stage=qa",
    )


def test_a_missing_required_parameter_is_an_error_naming_it_and_its_stack(renamed):
    with pytest.raises(ConfigError) as raised:
        arguments(renamed, "Stage=qa")
    message = str(raised.value)
    assert "stack CatalogData (catalog-pr-7-data) needs a value for its parameter 'Days'" in message
    assert "pass --parameters Days=VALUE" in message
    assert "BootstrapVersion" not in message


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("Days", "--parameters 'Days': expected KEY=VALUE or STACK:KEY=VALUE"),
        ("Da-ys=1", "parameter name 'Da-ys' must be letters and digits only"),
        (":Days=1", "'' is not a stack name"),
        ("Nope:Days=1", "the app has no stack 'Nope' (stacks: CatalogData, CatalogApi)"),
        ("Unknown=1", "--parameters 'Unknown=1': no stack declares a parameter 'Unknown'"),
    ],
)
def test_malformed_or_unknown_values_are_errors_naming_the_input(renamed, flag, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        arguments(renamed, "Days=7", flag)


def test_every_malformed_line_of_the_action_input_is_named_at_once():
    with pytest.raises(ConfigError) as raised:
        ParameterInputs.parse(from_lines("Days=7\n\nbroken\nalso broken\n", "parameters"))
    assert "input `parameters` line 3" in str(raised.value)
    assert "input `parameters` line 4" in str(raised.value)


def test_no_echo_values_are_known_for_masking(renamed):
    inputs = ParameterInputs.parse(from_flags(["Days=7", "Secret=s3cr3t"]))
    assert inputs.secret_values(renamed) == ("s3cr3t",)
