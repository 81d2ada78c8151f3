"""A template's VersioningConfiguration is applied to the bucket.

Found by the fault suite (tests/faults): a CDK `versioned=True` bucket came up unversioned, so the
destroy of a non-empty versioned bucket never met an object version or a delete marker."""

from __future__ import annotations

from .cfn_testkit import EngineUnderTest


def test_versioned_bucket_from_a_template_keeps_every_version(engine: EngineUnderTest) -> None:
    name = engine.create_stack(
        {
            "Resources": {
                "Archive": {
                    "Type": "AWS::S3::Bucket",
                    "Properties": {"VersioningConfiguration": {"Status": "Enabled"}},
                }
            }
        }
    )
    bucket = engine.physical_id(name, "Archive")
    s3 = engine.client("s3")
    s3.put_object(Bucket=bucket, Key="report.csv", Body=b"one")
    s3.put_object(Bucket=bucket, Key="report.csv", Body=b"two")
    versions = s3.list_object_versions(Bucket=bucket).get("Versions", [])
    status = s3.get_bucket_versioning(Bucket=bucket).get("Status")
    assert status == "Enabled"
    assert len(versions) == 2
