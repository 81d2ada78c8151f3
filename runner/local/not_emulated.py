"""What the local engine does not really create or run, named from the synthesized templates.

A deploy to the engine must never look more faithful than it is: every resource below deploys
(CREATE_COMPLETE), but what it stands for is missing or different locally. Each rule names the
resource and the difference, taken from the engine's own documentation and code (MiniStack
1.5.33, LAMBDA_EXECUTOR=local, no docker, AUTH off) and this machine's interpreters.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Resource type prefixes whose data plane needs docker (containers, databases, clusters): without
# it the engine keeps the control plane only.
NEEDS_DOCKER = {
    "AWS::ECS::": "tasks and services need docker: no container runs",
    "AWS::EKS::": "clusters need docker: no Kubernetes runs",
    "AWS::RDS::": "databases need docker: no database answers",
    "AWS::DocDB::": "clusters need docker: no database answers",
    "AWS::ElastiCache::": "clusters need docker: no cache answers",
    "AWS::OpenSearchService::": "domains need docker: no search engine answers",
    "AWS::MSK::": "clusters need docker: no Kafka broker answers",
    "AWS::CodeBuild::": "builds need docker: no build runs",
    "AWS::Batch::": "jobs need docker: no job runs",
}
NOT_THERE = {
    "AWS::EC2::": "networking is bookkeeping only: no packets, security groups and NACLs not enforced",
    "AWS::CloudFront::": "no edge: the distribution's domain does not serve requests",
    "AWS::Route53::": "no DNS: records are stored, never answered",
    "AWS::CertificateManager::": "certificates are issued at once, never validated",
    "AWS::WAFv2::": "web ACLs are stored, never enforced",
}
IAM_NOTE = "IAM policies are stored, not enforced: a missing permission fails on AWS only"


@dataclass(frozen=True)
class NotEmulated:
    stack: str
    logical_id: str
    resource_type: str
    reason: str

    def line(self) -> str:
        return f"{self.stack}/{self.logical_id} ({self.resource_type}): {self.reason}"


def _lambda_reason(properties: Mapping[str, Any]) -> str | None:
    if properties.get("PackageType") == "Image":
        return "container-image functions need docker: never invoked locally"
    runtime = str(properties.get("Runtime") or "")
    if runtime.startswith("python"):
        here = f"python{sys.version_info.major}.{sys.version_info.minor}"
        if runtime != here:
            return f"{runtime} handler runs on the engine's {here}"
        return None
    if runtime.startswith(("nodejs", "provided")) or not runtime:
        return None
    return f"runtime {runtime} cannot run without docker: never invoked locally"


def classify(stack: str, template: Mapping[str, Any]) -> list[NotEmulated]:
    found: list[NotEmulated] = []
    iam_seen = False
    for logical_id, resource in (template.get("Resources") or {}).items():
        if not isinstance(resource, dict):
            continue
        resource_type = str(resource.get("Type", ""))
        properties = resource.get("Properties") or {}
        reason: str | None = None
        if resource_type == "AWS::Lambda::Function":
            reason = _lambda_reason(properties)
        else:
            for prefix, text in {**NEEDS_DOCKER, **NOT_THERE}.items():
                if resource_type.startswith(prefix):
                    reason = text
                    break
        if reason is None and resource_type.startswith("AWS::IAM::") and not iam_seen:
            iam_seen = True
            reason = IAM_NOTE
        if reason:
            found.append(NotEmulated(stack, logical_id, resource_type, reason))
    return found


def classify_assembly(templates: Iterable[tuple[str, Path]]) -> list[NotEmulated]:
    """(stack name, template file) pairs -> every resource the engine does not really emulate."""
    found: list[NotEmulated] = []
    for stack, path in templates:
        found.extend(classify(stack, json.loads(path.read_text(encoding="utf-8"))))
    return found


def summary_lines(found: list[NotEmulated], limit: int = 12) -> list[str]:
    """One short block: the first `limit` resources, then how many more."""
    if not found:
        return []
    lines = [f"Not emulated locally ({len(found)}): deployed, but not what AWS would run"]
    lines += [f"  - {item.line()}" for item in found[:limit]]
    if len(found) > limit:
        lines.append(f"  ... and {len(found) - limit} more")
    return lines
