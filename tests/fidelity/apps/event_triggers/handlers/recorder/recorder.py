"""Records every SQS message, SNS notification and S3 upload it receives in the SEEN_TABLE."""

import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)
seen = boto3.resource("dynamodb").Table(os.environ["SEEN_TABLE"])


def handler(event, context):
    for record in event["Records"]:
        source = record.get("eventSource") or record.get("EventSource")
        if source == "aws:sqs":
            key, detail = f"sqs#{json.loads(record['body'])['job']}", record["body"]
        elif source == "aws:sns":
            key, detail = f"sns#{record['Sns']['Subject']}", record["Sns"]["Message"]
        elif source == "aws:s3":
            key, detail = f"s3#{record['s3']['object']['key']}", str(record["s3"]["object"].get("size"))
        else:
            raise ValueError(f"unexpected record from {source}")
        logger.info("recording %s", key)
        seen.put_item(Item={"pk": key, "detail": detail, "requestId": context.aws_request_id})
