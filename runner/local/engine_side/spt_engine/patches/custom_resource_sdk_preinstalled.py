"""CDK's AwsCustomResource finishes in seconds, on the SDK the runtime ships.

AWS: with `installLatestAwsSdk` (CDK's default), the provider npm-installs the latest client into
/tmp in a few seconds and falls back to the runtime's preinstalled SDK when that fails.
MiniStack: the worker's npm runs against the public registry from this machine: measured 70 s per
call behind a TLS-intercepting proxy (then the fallback), and a hang until the function's timeout
offline; a stack with two AwsCustomResources took 196 s to deploy.
Wraps: workers inherit `npm_config_offline=true`, so that install fails at once and the provider
uses the preinstalled SDK: the project's `@aws-sdk/*` v3 on the workers' NODE_PATH.
"""

from __future__ import annotations

import os


def apply() -> None:
    os.environ.setdefault("npm_config_offline", "true")
