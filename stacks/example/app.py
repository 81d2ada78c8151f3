#!/usr/bin/env python3
"""Inventory reservations: the demo serverless app that serverless-pr-test deploys once per pull request.

Stack name: the CDK context key `serverless-pr-test:stack-name`, `inventory-dev` when absent.
The runner passes it to synth and deploy, e.g.
    cdk synth --context serverless-pr-test:stack-name=shop-pr-12
Physical resource names are left to CloudFormation, so any valid stack name fits every name limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk
from inventory_app.stack import InventoryStack

STACK_NAME_CONTEXT_KEY = "serverless-pr-test:stack-name"
DEFAULT_STACK_NAME = "inventory-dev"


def build_app(context: Mapping[str, Any] | None = None, outdir: str | None = None) -> cdk.App:
    """The app with its one stack; `context` adds to what the CDK CLI passes (used by unit tests)."""
    app = cdk.App(context=dict(context or {}), outdir=outdir)
    InventoryStack(app, stack_name_of(app))
    return app


def stack_name_of(app: cdk.App) -> str:
    """The context value when given and not blank, else the default."""
    value = app.node.try_get_context(STACK_NAME_CONTEXT_KEY)
    return str(value).strip() if value is not None and str(value).strip() else DEFAULT_STACK_NAME


if __name__ == "__main__":
    build_app().synth()
