"""AWS::CDK::Metadata as a resource that exists and does nothing.

Every CDK stack carries it; moto skips it with a warning, so describe_stack_resources misses a
resource CloudFormation lists. In AWS it is a no-op resource with a generated physical id.
"""

from __future__ import annotations

import uuid

from runner.local.fixes.cfn_models import ResourceModel, register_model
from runner.local.fixes.fix import Fix


class CdkMetadata(ResourceModel):
    resource_type = "AWS::CDK::Metadata"

    def create(self) -> None:
        self.physical_id = str(uuid.uuid4())


def _install() -> None:
    register_model(CdkMetadata)


FIX = Fix(
    name="cdk_metadata_model",
    description="AWS::CDK::Metadata is a no-op stack resource with a physical id (moto skipped it)",
    install=_install,
)
