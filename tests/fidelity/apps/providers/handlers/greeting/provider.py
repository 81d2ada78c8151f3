"""Provider-framework handler: a greeting computed at deploy time."""

import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def on_event(event, context):
    request = event["RequestType"]
    name = event["ResourceProperties"]["Name"]
    logger.info("%s greeting for %s", request, name)
    if request == "Delete":
        return {"PhysicalResourceId": event["PhysicalResourceId"]}
    return {"PhysicalResourceId": f"greeting-{name}", "Data": {"Message": f"hello {name}"}}
