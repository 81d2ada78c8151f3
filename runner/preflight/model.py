"""What the preflight finds: hazards to per-PR isolation and clean-up, each with its resource and fix."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Hazard(Enum):
    """Each kind of finding; `blocking` ones stop the deploy unless names may be shared."""

    SHARED_NAME = "shared name"
    SHARED_EXPORT = "shared export name"
    RETAINED = "outlives destroy"
    NAME_TOO_LONG = "name too long"
    PINNED_ENVIRONMENT = "hard-coded account/region"
    CONTEXT_LOOKUP = "context lookup"
    DOCKER_ASSET = "docker image asset"

    @property
    def blocking(self) -> bool:
        return self in (Hazard.SHARED_NAME, Hazard.SHARED_EXPORT)


@dataclass(frozen=True)
class Finding:
    hazard: Hazard
    stack: str  # the per-PR stack name, or "(app)" for what belongs to the whole app
    resource: str  # construct path and logical id, an export, a lookup key or an asset
    problem: str  # may quote names from the app's templates: untrusted text
    fix: str  # the runner's own advice, never text from the app (the summary renders it as Markdown)

    @property
    def blocking(self) -> bool:
        return self.hazard.blocking


@dataclass(frozen=True)
class PreflightReport:
    findings: tuple[Finding, ...]
    stack_names: tuple[str, ...]

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.blocking)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if not finding.blocking)

    def of(self, hazard: Hazard) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.hazard is hazard)
