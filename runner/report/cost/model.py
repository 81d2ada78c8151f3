"""What the cost estimate is made of: the stacks' resources, metric queries, priced lines, and the
resources that could not be priced (listed, never counted as zero)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


class Service(Enum):
    LAMBDA = "Lambda"
    DYNAMODB = "DynamoDB"
    SQS = "SQS"
    SNS = "SNS"
    EVENTBRIDGE = "EventBridge"
    S3 = "S3"
    STEP_FUNCTIONS = "Step Functions"
    LOGS = "CloudWatch Logs"
    API_GATEWAY = "API Gateway"
    KMS = "KMS"
    SECRETS_MANAGER = "Secrets Manager"
    VPC = "VPC"
    CLOUDWATCH = "CloudWatch"
    OTHER = "other"


@dataclass(frozen=True)
class Resource:
    stack: str
    logical_id: str
    physical_id: str
    resource_type: str

    @property
    def label(self) -> str:
        return f"{self.stack}/{self.logical_id}"


@dataclass(frozen=True)
class MetricQuery:
    """One CloudWatch series, summed over the window (or averaged, for storage sizes)."""

    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str = "Sum"


@dataclass(frozen=True)
class ResourceFacts:
    """Configuration the price depends on, read from the service (not from metrics)."""

    memory_mb: int | None = None
    architecture: str = "x86_64"
    billing_mode: str | None = None
    index_names: tuple[str, ...] = ()
    read_capacity: int = 0
    write_capacity: int = 0
    api_name: str | None = None
    provisioned_concurrency: int | None = 0  # None: could not be read (see problem)
    log_group: str | None = None  # a function's LoggingConfig.LogGroup (None: /aws/lambda/<name>)
    problem: str | None = None


@dataclass(frozen=True)
class CostLine:
    service: Service
    resource: str
    description: str
    quantity: float
    unit: str
    usd: float
    standing: bool = False
    usd_per_day: float = 0.0


@dataclass(frozen=True)
class Unpriced:
    """A resource (or part of one) with no price: why, so the reader knows the total is a floor."""

    resource: str
    resource_type: str
    reason: str


@dataclass(frozen=True)
class CostEstimate:
    window_start: datetime
    window_end: datetime
    region: str
    currency: str
    prices_as_of: str
    lines: tuple[CostLine, ...]
    unpriced: tuple[Unpriced, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def hours(self) -> float:
        return max((self.window_end - self.window_start).total_seconds(), 0.0) / 3600

    @property
    def run_usd(self) -> float:
        return sum(line.usd for line in self.lines)

    @property
    def per_day_usd(self) -> float:
        """What the stacks cost per day left idle: standing charges and storage, no traffic."""
        return sum(line.usd_per_day for line in self.lines)

    def by_service(self) -> list[tuple[Service, float]]:
        totals: dict[Service, float] = {}
        for line in self.lines:
            totals[line.service] = totals.get(line.service, 0.0) + line.usd
        return sorted(totals.items(), key=lambda item: (-item[1], item[0].value))
