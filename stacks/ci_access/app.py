#!/usr/bin/env python3
"""One-time setup: GitHub's OIDC provider and the role serverless-pr-test's workflows assume.

    cdk deploy -c repository=acme/shop -c stack-prefix=shop
    cdk deploy -c repository=acme/shop -c stack-prefix=shop \
        -c oidc-provider-arn=arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
"""

from __future__ import annotations

import aws_cdk as cdk
from ci_access.stack import CiAccessSettings, CiAccessStack

app = cdk.App()
CiAccessStack(app, "ServerlessPrTestCiAccess", CiAccessSettings.from_context(app.node.try_get_context))
app.synth()
