"""stacks/ci_access synthesizes (in process, once per module), and its policies, read like IAM reads
them, let the role change only `<prefix>-pr-*` stacks, create them only with the managed tag, and
be assumed only from this repository's workflows."""

from __future__ import annotations

import fnmatch
import importlib
import sys

import pytest

from .conftest import REPO_ROOT

ACCOUNT = "111111111111"
PROVIDER = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"


def synth(context):
    sys.path.insert(0, str(REPO_ROOT / "stacks" / "ci_access"))
    try:
        stack_module = importlib.import_module("ci_access.stack")
    finally:
        sys.path.pop(0)
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    app = cdk.App()
    settings = stack_module.CiAccessSettings.from_context(context.get)
    stack = stack_module.CiAccessStack(app, "CiAccess", settings)
    return Template.from_stack(stack).to_json(), stack_module


@pytest.fixture(scope="module")
def created():
    return synth({"repository": "acme/shop", "stack-prefix": "shop"})


@pytest.fixture(scope="module")
def imported():
    return synth({"repository": "acme/shop", "stack-prefix": "shop", "oidc-provider-arn": PROVIDER})


def resources_of(template, kind):
    return [resource for resource in template["Resources"].values() if resource["Type"] == kind]


def render(value):
    """Fn::Join / Ref with the pseudo parameters filled in, as CloudFormation would."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return {"AWS::Partition": "aws", "AWS::AccountId": ACCOUNT}[value["Ref"]]
    separator, parts = value["Fn::Join"]
    return separator.join(render(part) for part in parts)


def as_list(value):
    return [render(item) for item in (value if isinstance(value, list) else [value])]


def matches(patterns, value):
    return any(fnmatch.fnmatchcase(value.lower(), pattern.lower()) for pattern in patterns)


def applies(statement, action, resource, request_tags):
    if "Action" in statement and not matches(as_list(statement["Action"]), action):
        return False
    if "NotAction" in statement and matches(as_list(statement["NotAction"]), action):
        return False
    if "Resource" in statement and not matches(as_list(statement["Resource"]), resource):
        return False
    if "NotResource" in statement and matches(as_list(statement["NotResource"]), resource):
        return False
    for operator, conditions in statement.get("Condition", {}).items():
        assert operator == "StringNotEquals", f"the evaluator does not know {operator}"
        for key, expected in conditions.items():
            tag = key.removeprefix("aws:RequestTag/")
            # Negated operators are true when the key is missing from the request.
            if request_tags.get(tag) in as_list(expected):
                return False
    return True


def allowed(policy, action, resource, request_tags=None):
    statements = policy["PolicyDocument"]["Statement"]
    tags = request_tags or {}
    if any(s["Effect"] == "Deny" and applies(s, action, resource, tags) for s in statements):
        return False
    return any(s["Effect"] == "Allow" and applies(s, action, resource, tags) for s in statements)


def boundary_of(template):
    [role] = resources_of(template, "AWS::IAM::Role")
    boundary_id = role["Properties"]["PermissionsBoundary"]["Ref"]
    return template["Resources"][boundary_id]["Properties"]


def stack_arn(name):
    return f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/{name}/0a1b2c3d"


MANAGED = {"serverless-pr-test:managed": "true"}


def test_boundary_denies_changing_a_stack_outside_the_pr_prefix(created):
    template, _ = created
    boundary = boundary_of(template)
    for action in ("cloudformation:DeleteStack", "cloudformation:UpdateStack", "cloudformation:CreateStack"):
        assert not allowed(boundary, action, stack_arn("payments-prod"), MANAGED)
        assert not allowed(boundary, action, stack_arn("shop-prod"), MANAGED)
    assert allowed(boundary, "cloudformation:DeleteStack", stack_arn("shop-pr-12"))
    assert allowed(boundary, "cloudformation:UpdateStack", stack_arn("shop-pr-12-data"))


def test_boundary_allows_creating_a_pr_stack_only_with_the_managed_tag(created):
    template, _ = created
    boundary = boundary_of(template)
    assert allowed(boundary, "cloudformation:CreateStack", stack_arn("shop-pr-12"), MANAGED)
    assert not allowed(boundary, "cloudformation:CreateStack", stack_arn("shop-pr-12"))
    wrong = {"serverless-pr-test:managed": "false"}
    assert not allowed(boundary, "cloudformation:CreateChangeSet", stack_arn("shop-pr-12"), wrong)


def test_boundary_has_an_explicit_deny_for_every_other_stack(created):
    template, module = created
    [deny] = [s for s in boundary_of(template)["PolicyDocument"]["Statement"] if s["Sid"] == "NoOtherStacks"]
    assert deny["Effect"] == "Deny"
    assert deny["NotResource"] == "arn:aws:cloudformation:*:*:stack/shop-pr-*/*"
    assert set(as_list(deny["Action"])) == set(module.STACK_CHANGES)


def test_role_can_read_any_stack_so_the_janitor_can_skip_foreign_ones(created):
    template, _ = created
    boundary = boundary_of(template)
    assert allowed(boundary, "cloudformation:DescribeStacks", stack_arn("payments-prod"))
    assert allowed(boundary, "cloudformation:ListStacks", "*")


def test_role_policy_grants_no_more_than_the_boundary(created):
    template, _ = created
    [role] = resources_of(template, "AWS::IAM::Role")
    [attached] = role["Properties"]["ManagedPolicyArns"]
    permissions = template["Resources"][attached["Ref"]]["Properties"]
    allows = [s for s in permissions["PolicyDocument"]["Statement"]]
    assert all(s["Effect"] == "Allow" for s in allows)
    boundary_allows = [
        s for s in boundary_of(template)["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"
    ]
    assert allows == boundary_allows


def test_trust_policy_is_bound_to_this_repository(created):
    template, _ = created
    [role] = resources_of(template, "AWS::IAM::Role")
    [statement] = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    conditions = statement["Condition"]
    assert conditions["StringEquals"] == {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
    subjects = as_list(conditions["StringLike"]["token.actions.githubusercontent.com:sub"])
    assert subjects == ["repo:acme/shop:pull_request", "repo:acme/shop:ref:refs/heads/main"]
    assert not any(
        matches(subjects, f"repo:acme/other:{tail}") for tail in ("pull_request", "ref:refs/heads/main")
    )
    assert not matches(subjects, "repo:acme/shop-fork:pull_request")
    [provider] = resources_of(template, "AWS::IAM::OIDCProvider")
    assert provider["Properties"]["Url"] == "https://token.actions.githubusercontent.com"
    assert statement["Principal"]["Federated"] == {"Fn::GetAtt": ["GitHubOidcProvider", "Arn"]}


def test_an_existing_oidc_provider_is_imported_not_created(imported):
    template, _ = imported
    assert resources_of(template, "AWS::IAM::OIDCProvider") == []
    [role] = resources_of(template, "AWS::IAM::Role")
    assert (
        role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Federated"] == PROVIDER
    )


def test_settings_refuse_a_missing_repository_or_prefix(created):
    _, module = created
    with pytest.raises(ValueError, match="repository") as problem:
        module.CiAccessSettings.from_context({"stack-prefix": "Shop"}.get)
    assert "stack-prefix" in str(problem.value)
