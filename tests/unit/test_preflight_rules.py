"""The preflight's template rules on hand-written resources: what AWS keeps unique, what a per-PR
name looks like, and what outlives destroy."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.deploy.assembly import StackArtifact
from runner.deploy.templates import StackTemplate
from runner.errors import PreflightError
from runner.preflight import PreflightReport, require_no_shared_names
from runner.preflight.expressions import Scope
from runner.preflight.model import Hazard
from runner.preflight.render import markdown, terminal_lines
from runner.preflight.template_rules import TemplateContext, check_template

STACK = "shop-pr-12-data"
CONTEXT = TemplateContext(
    Scope(STACK, "us-east-1", "123456789012"), "shop-pr-12", frozenset({"DataBusA1B2C3D4"})
)


def findings(resources=None, outputs=None):
    body = {"Resources": resources or {}, "Outputs": outputs or {}}
    template = StackTemplate(StackArtifact("Data", STACK, ()), Path("Data.template.json"), body)
    return list(check_template(template, CONTEXT))


def resource(resource_type, **properties):
    return {"Type": resource_type, "Properties": properties}


def hazards(found):
    return [finding.hazard for finding in found]


def test_a_literal_table_name_is_shared_by_every_pr():
    [finding] = findings({"Forms": resource("AWS::DynamoDB::Table", TableName="formmetadata")})
    assert finding.hazard is Hazard.SHARED_NAME
    assert finding.blocking
    assert "'formmetadata'" in finding.problem
    assert "table_name" in finding.fix


@pytest.mark.parametrize(
    "name",
    [
        {"Fn::Sub": "${AWS::StackName}-forms"},
        {"Fn::Join": ["-", [{"Ref": "AWS::StackName"}, "forms"]]},
        {"Fn::Join": ["", ["forms-", {"Ref": "Suffix"}]]},  # a parameter: each deploy passes its own
        {"Fn::GetAtt": ["Other", "Name"]},
        "shop-pr-12-forms",  # built from the PR's name at synth (an app reading the context key)
        "shoppr12Forms9F8E7D6C",  # CDK's id squashing of that name
        "DataBusA1B2C3D4",  # made per PR by the renaming
    ],
)
def test_names_that_differ_per_pr_are_not_shared(name):
    assert findings({"Forms": resource("AWS::DynamoDB::Table", TableName=name)}) == []


def test_account_and_region_alone_do_not_make_a_name_per_pr():
    name = {"Fn::Sub": "forms-${AWS::AccountId}-${AWS::Region}"}
    assert hazards(findings({"Forms": resource("AWS::DynamoDB::Table", TableName=name)})) == [
        Hazard.SHARED_NAME
    ]


@pytest.mark.parametrize(
    ("resource_type", "name_property"),
    [
        ("AWS::ApiGateway::RestApi", "Name"),
        ("AWS::ApiGatewayV2::Api", "Name"),
        ("AWS::Cognito::UserPool", "UserPoolName"),
        ("AWS::IAM::Policy", "PolicyName"),
        ("AWS::Lambda::Permission", "FunctionName"),
    ],
)
def test_names_aws_lets_two_resources_share_are_not_hazards(resource_type, name_property):
    assert findings({"It": resource(resource_type, **{name_property: "fixed"})}) == []


def test_a_rule_name_is_shared_only_on_a_shared_bus():
    own_bus = resource("AWS::Events::Rule", Name="nightly", EventBusName={"Ref": "Bus"})
    default_bus = resource("AWS::Events::Rule", Name="nightly")
    named_bus = resource("AWS::Events::Rule", Name="nightly", EventBusName="orders")
    assert findings({"Own": own_bus}) == []
    assert hazards(findings({"Default": default_bus, "Named": named_bus})) == [Hazard.SHARED_NAME] * 2


def test_a_name_over_the_service_limit_with_the_per_pr_stack_name_is_reported():
    suffix = "-nightly-report-generator-for-the-finance-team-europe"  # 68 with the stack name
    long_name = {"Fn::Sub": "${AWS::StackName}" + suffix}
    [finding] = findings({"Report": resource("AWS::Lambda::Function", FunctionName=long_name)})
    assert finding.hazard is Hazard.NAME_TOO_LONG
    assert not finding.blocking
    assert f"has {len(STACK + suffix)} characters" in finding.problem
    assert "allows 64" in finding.problem
    fits = {"Fn::Sub": "${AWS::StackName}" + suffix[:-4]}
    assert findings({"Report": resource("AWS::Lambda::Function", FunctionName=fits)}) == []


@pytest.mark.parametrize(
    ("resource_type", "policy", "fix"),
    [
        ("AWS::S3::Bucket", "Retain", "auto_delete_objects=True"),
        ("AWS::DynamoDB::Table", "RetainExceptOnCreate", "removal_policy=RemovalPolicy.DESTROY"),
        ("AWS::EC2::Volume", "Snapshot", "removal_policy=RemovalPolicy.DESTROY"),
        ("AWS::ApiGateway::Account", "Retain", "cloud_watch_role_removal_policy"),
    ],
)
def test_retained_resources_outlive_destroy_with_the_cdk_fix(resource_type, policy, fix):
    item = {"Type": resource_type, "DeletionPolicy": policy, "Properties": {}}
    [finding] = findings({"It": item})
    assert finding.hazard is Hazard.RETAINED
    assert fix in finding.fix


def test_deleted_resources_are_not_reported():
    assert findings({"It": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Delete"}}) == []


def test_arns_with_another_account_or_region_are_pinned():
    policy = resource(
        "AWS::IAM::Policy",
        PolicyDocument={
            "Statement": [
                {"Resource": "arn:aws:sns:eu-west-1:444455556666:billing"},
                {
                    "Resource": {
                        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::444455556666:root"]]
                    }
                },
                {"Resource": "arn:aws:sqs:us-east-1:123456789012:mine"},  # the deploy target: fine
            ]
        },
    )
    [finding] = findings({"Policy": policy})
    assert finding.hazard is Hazard.PINNED_ENVIRONMENT
    assert "account 444455556666, region eu-west-1" in finding.problem


def test_a_fixed_export_name_stops_the_deploy_but_a_per_pr_one_does_not():
    outputs = {
        "Fixed": {"Value": "x", "Export": {"Name": "JobsQueueUrl"}},
        "PerPr": {"Value": "x", "Export": {"Name": f"{STACK}:ExportsOutputRefJobs"}},
        "Sub": {"Value": "x", "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-Url"}}},
    }
    [finding] = findings(outputs=outputs)
    assert finding.hazard is Hazard.SHARED_EXPORT
    assert finding.resource == "output Fixed"


def test_shared_names_stop_the_deploy_unless_allowed_and_the_rest_only_warn():
    found = findings(
        {
            "Forms": {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": "Retain",
                "Properties": {"TableName": "f"},
            },
        }
    )
    report = PreflightReport(tuple(found), (STACK,))
    with pytest.raises(
        PreflightError, match=r"1 resource\(s\) would have the same name .*nothing was deployed"
    ):
        require_no_shared_names(report, allow_shared_names=False)
    require_no_shared_names(report, allow_shared_names=True)
    warnings_only = PreflightReport(report.warnings, (STACK,))
    require_no_shared_names(warnings_only, allow_shared_names=False)


def test_findings_render_as_single_lines_and_escaped_markdown():
    hostile = "x\n::error::pwned | <b>@team</b>"
    found = findings({"Forms": resource("AWS::DynamoDB::Table", TableName=hostile)})
    report = PreflightReport(tuple(found), (STACK,))
    lines = terminal_lines(report)
    assert lines[0] == f"Preflight ({STACK}): 1 hazard(s) that stop the deploy, 0 warning(s)"
    assert not any(line.lstrip().startswith("::") for line in "\n".join(lines).splitlines())
    table = markdown(report)
    assert "<b>" not in table
    assert "\\| " in table


def test_an_export_name_over_255_characters_after_renaming_is_reported():
    outputs = {"Long": {"Value": "x", "Export": {"Name": f"{STACK}:" + "E" * 250}}}
    [finding] = findings(outputs=outputs)
    assert finding.hazard is Hazard.NAME_TOO_LONG
    assert "CloudFormation allows 255" in finding.problem
