"""The GitHub OIDC provider (new or imported) and a deploy role only this repository's workflows can
assume, capped by a permissions boundary that lets it change CloudFormation stacks named
`<prefix>-pr-*` and nothing else, and create them only with the serverless-pr-test managed tag.

What the boundary cannot cap: `cdk deploy` hands the template to the CDK bootstrap's deploy role
(`cdk-hnb659fds-deploy-role-*`), whose own permissions apply to that call. This role may assume the
bootstrap roles (it must, to deploy); restrict those with `cdk bootstrap --custom-permissions-boundary`.
Everything the runner does itself (describe, delete, empty buckets, sweep captures, read metrics)
goes through this role and its boundary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from constructs import Construct

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
MANAGED_TAG = "serverless-pr-test:managed"
CAPTURE_PREFIX = "spt-capture-"
CDK_QUALIFIER = "hnb659fds"
# PR runs, and the janitor's schedule / workflow_dispatch on the default branch.
DEFAULT_SUBJECTS = "pull_request,ref:refs/heads/main"
_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_PREFIX = re.compile(r"^[a-z][a-z0-9-]*$")
# Everything that changes a stack; read-only calls (Describe*, List*, Get*) stay allowed on any
# stack because listing needs `*` and the janitor must see foreign stacks to leave them alone.
STACK_CHANGES = [
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "cloudformation:DeleteStack",
    "cloudformation:CreateChangeSet",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:DeleteChangeSet",
    "cloudformation:CancelUpdateStack",
    "cloudformation:ContinueUpdateRollback",
    "cloudformation:RollbackStack",
    "cloudformation:SetStackPolicy",
    "cloudformation:SignalResource",
    "cloudformation:TagResource",
    "cloudformation:UntagResource",
    "cloudformation:UpdateTerminationProtection",
]


@dataclass(frozen=True)
class CiAccessSettings:
    repository: str  # owner/name
    stack_prefix: str  # stacks are <prefix>-pr-<N>
    subjects: tuple[str, ...]  # OIDC `sub` after `repo:owner/name:`, e.g. pull_request
    oidc_provider_arn: str = ""  # import this provider instead of creating one
    role_name: str = "serverless-pr-test-deploy"

    @classmethod
    def from_context(cls, get: Callable[[str], Any]) -> CiAccessSettings:
        repository = str(get("repository") or "")
        prefix = str(get("stack-prefix") or "")
        problems = []
        if not _REPOSITORY.match(repository):
            problems.append(f"context `repository` must be owner/name, got {repository!r}")
        if not _PREFIX.match(prefix):
            problems.append(f"context `stack-prefix` must match [a-z][a-z0-9-]*, got {prefix!r}")
        subjects = tuple(
            part.strip() for part in str(get("subjects") or DEFAULT_SUBJECTS).split(",") if part.strip()
        )
        if problems:
            raise ValueError("; ".join(problems) + " (pass them with -c key=value)")
        return cls(
            repository=repository,
            stack_prefix=prefix,
            subjects=subjects,
            oidc_provider_arn=str(get("oidc-provider-arn") or ""),
            role_name=str(get("role-name") or "serverless-pr-test-deploy"),
        )

    @property
    def stack_arn(self) -> str:
        return f"arn:aws:cloudformation:*:*:stack/{self.stack_prefix}-pr-*/*"

    @property
    def trusted_subjects(self) -> list[str]:
        return [f"repo:{self.repository}:{subject}" for subject in self.subjects]


class CiAccessStack(cdk.Stack):
    def __init__(
        self, scope: Construct, construct_id: str, settings: CiAccessSettings, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        if settings.oidc_provider_arn:
            provider_arn = settings.oidc_provider_arn
        else:
            provider = iam.CfnOIDCProvider(
                self,
                "GitHubOidcProvider",
                url=f"https://{GITHUB_OIDC_HOST}",
                client_id_list=["sts.amazonaws.com"],
            )
            provider_arn = provider.attr_arn
        principal = iam.FederatedPrincipal(
            provider_arn,
            conditions={
                "StringEquals": {f"{GITHUB_OIDC_HOST}:aud": "sts.amazonaws.com"},
                "StringLike": {f"{GITHUB_OIDC_HOST}:sub": settings.trusted_subjects},
            },
            assume_role_action="sts:AssumeRoleWithWebIdentity",
        )
        allowed = self._allowed(settings)
        boundary = iam.ManagedPolicy(
            self,
            "Boundary",
            description=f"serverless-pr-test: only {settings.stack_prefix}-pr-* stacks, created managed",
            statements=[*allowed, *self._denied(settings)],
        )
        role = iam.Role(
            self,
            "DeployRole",
            role_name=settings.role_name,
            assumed_by=principal,
            permissions_boundary=boundary,
            max_session_duration=cdk.Duration.hours(2),
            description=f"serverless-pr-test workflows of {settings.repository}",
        )
        role.add_managed_policy(
            iam.ManagedPolicy(self, "Permissions", statements=[statement.copy() for statement in allowed])
        )
        cdk.CfnOutput(
            self, "DeployRoleArn", value=role.role_arn, description="the SPT_DEPLOY_ROLE_ARN secret"
        )
        cdk.CfnOutput(self, "OidcProviderArn", value=provider_arn)

    def _allowed(self, settings: CiAccessSettings) -> list[iam.PolicyStatement]:
        named = f"{settings.stack_prefix}-pr-*"
        return [
            iam.PolicyStatement(sid="PrStacks", actions=["cloudformation:*"], resources=[settings.stack_arn]),
            iam.PolicyStatement(
                sid="ReadAnyStack",
                actions=["cloudformation:Describe*", "cloudformation:List*", "cloudformation:Get*"],
                resources=["*"],
            ),
            iam.PolicyStatement(
                sid="CdkBootstrapRoles",
                actions=["sts:AssumeRole", "sts:TagSession"],
                resources=[f"arn:{self.partition}:iam::{self.account}:role/cdk-{CDK_QUALIFIER}-*"],
            ),
            iam.PolicyStatement(
                sid="CdkBootstrapVersion",
                actions=["ssm:GetParameter"],
                resources=[
                    f"arn:{self.partition}:ssm:*:{self.account}:parameter/cdk-bootstrap/{CDK_QUALIFIER}/*"
                ],
            ),
            iam.PolicyStatement(
                sid="DestroyAndReport",
                actions=[
                    "s3:ListBucket*",
                    "s3:GetBucket*",
                    "s3:DeleteObject*",
                    "s3:GetObject*",
                    "logs:DeleteLogGroup",
                    "logs:Describe*",
                    "logs:FilterLogEvents",
                ],
                resources=[
                    f"arn:{self.partition}:s3:::{named}",
                    f"arn:{self.partition}:s3:::{named}/*",
                    f"arn:{self.partition}:logs:*:{self.account}:log-group:/aws/lambda/{named}",
                ],
            ),
            iam.PolicyStatement(
                sid="ReadOnlyInventory",
                actions=[
                    "tag:GetResources",
                    "cloudwatch:GetMetricData",
                    "cloudwatch:GetMetricStatistics",
                    "cloudwatch:ListMetrics",
                    "lambda:GetFunction*",
                    "lambda:List*",
                    "events:List*",
                    "events:Describe*",
                    "sqs:ListQueues",
                    "sqs:ListQueueTags",
                    "sqs:GetQueue*",
                    "logs:DescribeLogGroups",
                    "pricing:GetProducts",
                ],
                resources=["*"],
            ),
            iam.PolicyStatement(
                sid="TestEventCaptures",
                actions=["events:*Rule", "events:*Targets", "events:TagResource", "sqs:*"],
                resources=[
                    f"arn:{self.partition}:events:*:{self.account}:rule/*/{CAPTURE_PREFIX}*",
                    f"arn:{self.partition}:sqs:*:{self.account}:{CAPTURE_PREFIX}*",
                ],
            ),
            iam.PolicyStatement(
                sid="TestsUseThePrResources",
                actions=[
                    "lambda:InvokeFunction",
                    "dynamodb:*Item",
                    "dynamodb:Query",
                    "dynamodb:Scan",
                    "dynamodb:Describe*",
                    "sqs:SendMessage*",
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage*",
                    "sns:Publish",
                    "events:PutEvents",
                    "s3:PutObject*",
                    "states:StartExecution",
                    "states:Describe*",
                ],
                resources=[
                    f"arn:{self.partition}:lambda:*:{self.account}:function:{named}",
                    f"arn:{self.partition}:dynamodb:*:{self.account}:table/{named}",
                    f"arn:{self.partition}:sqs:*:{self.account}:{named}",
                    f"arn:{self.partition}:sns:*:{self.account}:{named}",
                    f"arn:{self.partition}:events:*:{self.account}:event-bus/{named}",
                    f"arn:{self.partition}:s3:::{named}/*",
                    f"arn:{self.partition}:states:*:{self.account}:*:{named}",
                ],
            ),
        ]

    def _denied(self, settings: CiAccessSettings) -> list[iam.PolicyStatement]:
        return [
            iam.PolicyStatement(
                sid="NoOtherStacks",
                effect=iam.Effect.DENY,
                actions=STACK_CHANGES,
                not_resources=[settings.stack_arn],
            ),
            iam.PolicyStatement(
                sid="CreateOnlyManaged",
                effect=iam.Effect.DENY,
                actions=["cloudformation:CreateStack", "cloudformation:CreateChangeSet"],
                resources=["*"],
                # A missing tag makes StringNotEquals true: untagged creates are denied too.
                conditions={"StringNotEquals": {f"aws:RequestTag/{MANAGED_TAG}": "true"}},
            ),
            iam.PolicyStatement(
                sid="NoBoundaryEscape",
                effect=iam.Effect.DENY,
                actions=[
                    "iam:DeleteRolePermissionsBoundary",
                    "iam:PutRolePermissionsBoundary",
                    "iam:CreatePolicyVersion",
                    "iam:SetDefaultPolicyVersion",
                    "iam:AttachRolePolicy",
                    "iam:PutRolePolicy",
                ],
                resources=["*"],
            ),
        ]
