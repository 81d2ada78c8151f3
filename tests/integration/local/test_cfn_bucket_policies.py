"""Bucket policies CDK templates carry (enforce SSL), put on the bucket as CloudFormation does."""

from __future__ import annotations

import json

from .cfn_testkit import EngineUnderTest, unique

ENFORCE_SSL_STATEMENT = {
    "Action": "s3:*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
}


def test_bucket_policy_is_put_on_the_bucket(engine: EngineUnderTest) -> None:
    template = {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket"},
            "BucketPolicy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": {"Ref": "Bucket"},
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                **ENFORCE_SSL_STATEMENT,
                                "Resource": [
                                    {"Fn::GetAtt": ["Bucket", "Arn"]},
                                    {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]},
                                ],
                            }
                        ],
                    },
                },
            },
        },
        "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}},
    }
    name = unique("bucket-policy")
    engine.create_stack(template, StackName=name)
    bucket = engine.outputs(name)["BucketName"]
    s3 = engine.client("s3")
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy["Statement"][0]["Resource"][0] == f"arn:aws:s3:::{bucket}"
    # The enforce-SSL Deny must not lock the stack's own tools out (see the next test).
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    engine.client("cloudformation").delete_stack(StackName=name)
    s3.delete_object(Bucket=bucket, Key="k")


def test_enforce_ssl_bucket_policy_does_not_deny_every_request(engine: EngineUnderTest) -> None:
    bucket = unique("ssl-only")
    s3 = engine.client("s3")
    s3.create_bucket(Bucket=bucket)
    statement = {**ENFORCE_SSL_STATEMENT, "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}
    s3.put_bucket_policy(
        Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    s3.put_object(Bucket=bucket, Key="asset.zip", Body=b"zip")
    assert s3.get_object(Bucket=bucket, Key="asset.zip")["Body"].read() == b"zip"
