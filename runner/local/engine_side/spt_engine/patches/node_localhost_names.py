"""On AWS, the SDK's S3 calls address `{bucket}.s3.{region}.amazonaws.com`; against a local endpoint
the AWS SDK v3 for JavaScript addresses `{bucket}.localhost:PORT`, a name glibc does not resolve
(RFC 6761 says `*.localhost` is this machine; browsers agree). CDK's own Node.js providers
(`auto_delete_objects`) then fail with ENOTFOUND. Prepends a `dns.lookup` wrapper (localhost_dns.cjs)
to MiniStack's Node.js worker bootstrap, so every Node.js handler resolves such names to localhost."""

from __future__ import annotations

from pathlib import Path

PRELUDE = Path(__file__).with_name("localhost_dns.cjs")


def apply() -> None:
    from ministack.core import lambda_runtime

    script = lambda_runtime._NODEJS_WORKER_SCRIPT
    if "localhost_dns.cjs" in script:
        return
    prelude = f"// spt_engine: localhost_dns.cjs\n{PRELUDE.read_text()}\n"
    lambda_runtime._NODEJS_WORKER_SCRIPT = prelude + script
