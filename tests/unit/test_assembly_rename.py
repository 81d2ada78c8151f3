"""Renaming an unmodified app's assembly for one PR: a hand-written assembly shaped like `cdk synth`
output (stack names, exports and imports, generated names, asset keys)."""

import hashlib
import json
import shutil

import pytest

from runner.deploy.assembly import CloudAssembly, StackArtifact
from runner.deploy.assembly_rename import path_hash, plan_stack_names, rename_assembly
from runner.errors import ConfigError

BUS_NAME = "CatalogDataCatalogBus224DF73D"  # what CDK 2.275 generated for CatalogData/CatalogBus
EXPORT = "CatalogData:ExportsOutputRefCatalogBus9C039B31914A71B4"
DATA_TEMPLATE_ID = "a" * 64
NESTED_TEMPLATE_ID = "b" * 64
API_TEMPLATE_ID = "c" * 64
NESTED_FILE = "CatalogDataArchive.nested.template.json"
NESTED_BUS_NAME = "CatalogDataArchiveBus" + path_hash(["CatalogData", "Archive", "Bus"])


def write_json(path, document):
    path.write_text(json.dumps(document, indent=1))


def template_asset(asset_id, file_name):
    return {
        "source": {"path": file_name, "packaging": "file"},
        "destinations": {"current": {"bucketName": "assets", "objectKey": f"{asset_id}.json"}},
    }


def stack_artifact(template, asset_id, *dependencies, stack_name=None):
    properties = {
        "templateFile": template,
        "stackTemplateAssetObjectUrl": f"s3://assets/{asset_id}.json",
    }
    if stack_name:
        properties["stackName"] = stack_name
    return {
        "type": "aws:cloudformation:stack",
        "environment": "aws://unknown-account/unknown-region",
        "properties": properties,
        "dependencies": list(dependencies),
    }


@pytest.fixture
def catalog(tmp_path):
    """Two stacks: CatalogData (an event bus CDK named, an export, a nested stack) and CatalogApi
    (imports the export), each with its template as a file asset."""
    directory = tmp_path / "cdk.out"
    directory.mkdir()
    write_json(
        directory / NESTED_FILE,
        {
            "Resources": {
                "Bus": {
                    "Type": "AWS::Events::EventBus",
                    "Properties": {
                        "Name": "CatalogDataArchiveBus" + path_hash(["CatalogData", "Archive", "Bus"])
                    },
                    "Metadata": {"aws:cdk:path": "CatalogData/Archive/Bus/Resource"},
                }
            }
        },
    )
    write_json(
        directory / "CatalogData.template.json",
        {
            "Resources": {
                "CatalogBus9C039B31": {
                    "Type": "AWS::Events::EventBus",
                    "Properties": {"Name": BUS_NAME},
                    "Metadata": {"aws:cdk:path": "CatalogData/CatalogBus/Resource"},
                },
                "Archive": {
                    "Type": "AWS::CloudFormation::Stack",
                    "Properties": {"TemplateURL": f"https://s3/assets/{NESTED_TEMPLATE_ID}.json"},
                    "Metadata": {"aws:asset:path": NESTED_FILE},
                },
            },
            "Outputs": {
                "ExportsOutputRefCatalogBus": {
                    "Value": {"Ref": "CatalogBus9C039B31"},
                    "Export": {"Name": EXPORT},
                },
                "Shared": {"Value": "x", "Export": {"Name": "SharedByHand"}},
            },
        },
    )
    write_json(
        directory / "CatalogApi.template.json",
        {
            "Resources": {
                "Rule": {
                    "Type": "AWS::Events::Rule",
                    "Properties": {
                        "EventBusName": {"Fn::ImportValue": EXPORT},
                        "Description": f"events on {BUS_NAME}",
                    },
                }
            }
        },
    )
    write_json(
        directory / "CatalogData.assets.json",
        {
            "files": {
                DATA_TEMPLATE_ID: template_asset(DATA_TEMPLATE_ID, "CatalogData.template.json"),
                NESTED_TEMPLATE_ID: template_asset(
                    NESTED_TEMPLATE_ID, "CatalogDataArchive.nested.template.json"
                ),
            },
            "dockerImages": {},
        },
    )
    write_json(
        directory / "CatalogApi.assets.json",
        {"files": {API_TEMPLATE_ID: template_asset(API_TEMPLATE_ID, "CatalogApi.template.json")}},
    )
    write_json(
        directory / "manifest.json",
        {
            "artifacts": {
                "CatalogData.assets": {
                    "type": "cdk:asset-manifest",
                    "properties": {"file": "CatalogData.assets.json"},
                },
                "CatalogData": stack_artifact(
                    "CatalogData.template.json", DATA_TEMPLATE_ID, "CatalogData.assets"
                ),
                "CatalogApi.assets": {
                    "type": "cdk:asset-manifest",
                    "properties": {"file": "CatalogApi.assets.json"},
                },
                "CatalogApi": stack_artifact(
                    "CatalogApi.template.json", API_TEMPLATE_ID, "CatalogData", "CatalogApi.assets"
                ),
            }
        },
    )
    return directory


def read(path):
    return json.loads(path.read_text())


def test_path_hash_matches_what_cdk_generates():
    assert path_hash(["CatalogData", "CatalogBus"]) == BUS_NAME[-8:]


def test_every_stack_of_an_unmodified_app_gets_a_per_pr_name_in_dependency_order(catalog):
    renamed = rename_assembly(CloudAssembly.read(catalog), "catalog-pr-7")
    assert renamed.assembly.stack_names == ("catalog-pr-7-catalogdata", "catalog-pr-7-catalogapi")
    artifacts = read(catalog / "manifest.json")["artifacts"]
    assert artifacts["CatalogData"]["properties"]["stackName"] == "catalog-pr-7-catalogdata"
    assert artifacts["CatalogApi"]["dependencies"] == ["CatalogData", "CatalogApi.assets"]  # ids kept
    assert renamed.original_name("catalog-pr-7-catalogapi") == "CatalogApi"


def test_exports_and_imports_built_from_the_stack_name_follow_it(catalog):
    rename_assembly(CloudAssembly.read(catalog), "catalog-pr-7")
    outputs = read(catalog / "CatalogData.template.json")["Outputs"]
    new_export = "catalog-pr-7-catalogdata:ExportsOutputRefCatalogBus9C039B31914A71B4"
    assert outputs["ExportsOutputRefCatalogBus"]["Export"]["Name"] == new_export
    assert outputs["Shared"]["Export"]["Name"] == "SharedByHand"  # a fixed name: the preflight's job
    rule = read(catalog / "CatalogApi.template.json")["Resources"]["Rule"]["Properties"]
    assert rule["EventBusName"] == {"Fn::ImportValue": new_export}


def test_names_cdk_generated_from_the_construct_path_become_per_pr_everywhere(catalog):
    first = rename_assembly(CloudAssembly.read(catalog), "catalog-pr-7")
    bus = read(catalog / "CatalogData.template.json")["Resources"]["CatalogBus9C039B31"]["Properties"]["Name"]
    assert bus != BUS_NAME
    assert len(bus) == len(BUS_NAME)
    assert bus in first.per_pr_names
    description = read(catalog / "CatalogApi.template.json")["Resources"]["Rule"]["Properties"]["Description"]
    assert description == f"events on {bus}"  # literal copies in other stacks follow
    nested = read(catalog / NESTED_FILE)["Resources"]["Bus"]["Properties"]
    assert nested["Name"] != NESTED_BUS_NAME


def test_the_same_app_renamed_for_two_prs_gets_different_names(tmp_path, catalog):
    other = tmp_path / "other"
    shutil.copytree(catalog, other)
    rename_assembly(CloudAssembly.read(catalog), "catalog-pr-7")
    rename_assembly(CloudAssembly.read(other), "catalog-pr-8")
    name = "CatalogBus9C039B31"
    first = read(catalog / "CatalogData.template.json")["Resources"][name]["Properties"]["Name"]
    second = read(other / "CatalogData.template.json")["Resources"][name]["Properties"]["Name"]
    assert first != second


def test_rewritten_templates_get_new_asset_keys_and_parents_follow_their_nested_templates(catalog):
    rename_assembly(CloudAssembly.read(catalog), "catalog-pr-7")
    data_assets = read(catalog / "CatalogData.assets.json")["files"]
    assert DATA_TEMPLATE_ID not in data_assets
    assert NESTED_TEMPLATE_ID not in data_assets
    for asset_id, entry in data_assets.items():
        source = catalog / entry["source"]["path"]
        assert asset_id == hashlib.sha256(source.read_bytes()).hexdigest()
        assert entry["destinations"]["current"]["objectKey"] == f"{asset_id}.json"
    nested_id = next(key for key, entry in data_assets.items() if "nested" in entry["source"]["path"])
    url = read(catalog / "CatalogData.template.json")["Resources"]["Archive"]["Properties"]["TemplateURL"]
    assert url == f"https://s3/assets/{nested_id}.json"
    data_id = next(key for key, entry in data_assets.items() if "nested" not in entry["source"]["path"])
    artifacts = read(catalog / "manifest.json")["artifacts"]
    assert (
        artifacts["CatalogData"]["properties"]["stackTemplateAssetObjectUrl"] == f"s3://assets/{data_id}.json"
    )


def test_stacks_that_already_carry_the_pr_name_keep_it(catalog):
    manifest = read(catalog / "manifest.json")
    manifest["artifacts"]["CatalogData"]["properties"]["stackName"] = "catalog-pr-7"
    manifest["artifacts"]["CatalogApi"]["properties"]["stackName"] = "catalog-pr-7-api"
    write_json(catalog / "manifest.json", manifest)
    renamed = rename_assembly(CloudAssembly.read(catalog), "catalog-pr-7")
    assert renamed.renames == ()
    assert renamed.assembly.stack_names == ("catalog-pr-7", "catalog-pr-7-api")
    outputs = read(catalog / "CatalogData.template.json")["Outputs"]
    assert outputs["ExportsOutputRefCatalogBus"]["Export"]["Name"] == EXPORT
    # Its construct id is still `CatalogData`, the same for every PR: the generated bus name is not.
    bus = read(catalog / "CatalogData.template.json")["Resources"]["CatalogBus9C039B31"]["Properties"]
    assert bus["Name"] != BUS_NAME


def test_an_app_that_names_its_stack_construct_after_the_pr_is_left_untouched(tmp_path):
    """The example app's way: `Stack(app, name)` with the per-PR name, so CDK's ids carry it."""
    bus_name = "catalogpr7Bus" + path_hash(["catalog-pr-7", "Bus"])
    write_json(
        tmp_path / "catalog-pr-7.template.json",
        {
            "Resources": {
                "Bus": {
                    "Type": "AWS::Events::EventBus",
                    "Properties": {"Name": bus_name},
                    "Metadata": {"aws:cdk:path": "catalog-pr-7/Bus/Resource"},
                }
            }
        },
    )
    write_json(
        tmp_path / "manifest.json",
        {"artifacts": {"catalog-pr-7": stack_artifact("catalog-pr-7.template.json", DATA_TEMPLATE_ID)}},
    )
    before = (tmp_path / "catalog-pr-7.template.json").read_text()
    renamed = rename_assembly(CloudAssembly.read(tmp_path), "catalog-pr-7")
    assert renamed.renames == ()
    assert (tmp_path / "catalog-pr-7.template.json").read_text() == before


def test_a_single_stack_is_named_exactly_the_pr_name():
    [rename] = plan_stack_names([StackArtifact("Notes", "NotesStack", ())], "notes-pr-3")
    assert rename.renamed == "notes-pr-3"


def test_two_stacks_that_would_get_one_name_are_refused():
    stacks = [StackArtifact("A", "Orders-Data", ()), StackArtifact("B", "orders_data", ())]
    with pytest.raises(ConfigError, match="would both be deployed as shop-pr-1-orders-data"):
        plan_stack_names(stacks, "shop-pr-1")
