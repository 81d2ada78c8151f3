"""AWS::S3::BucketPolicy as a real resource.

moto skips the type (the CDK bootstrap bucket and every `enforce_ssl` bucket use it). CloudFormation
calls PutBucketPolicy and DeleteBucketPolicy.
"""

from __future__ import annotations

import json
from typing import Any

from runner.local.fixes.cfn_models import ResourceModel, register_model
from runner.local.fixes.fix import Fix


class S3BucketPolicy(ResourceModel):
    resource_type = "AWS::S3::BucketPolicy"

    def _backend(self) -> Any:
        from moto.s3.models import s3_backends
        from moto.utilities.utils import get_partition

        return s3_backends[self.account_id][get_partition(self.region_name)]

    def create(self) -> None:
        policy = json.dumps(self.properties["PolicyDocument"]).encode("utf-8")
        self._backend().put_bucket_policy(self.properties["Bucket"], policy)

    def remove(self) -> None:
        from moto.s3.exceptions import MissingBucket

        try:
            self._backend().delete_bucket_policy(self.properties["Bucket"])
        except MissingBucket:
            return


def _install() -> None:
    register_model(S3BucketPolicy)


FIX = Fix(
    name="s3_bucket_policy_model",
    description="AWS::S3::BucketPolicy puts the bucket policy and is a stack resource (moto skipped it)",
    install=_install,
)
