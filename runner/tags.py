"""The tags that mark a stack as ours: destroy and janitor act only on stacks carrying them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

TAG_PREFIX = "serverless-pr-test:"
MANAGED = f"{TAG_PREFIX}managed"
REPOSITORY = f"{TAG_PREFIX}repository"
PR = f"{TAG_PREFIX}pr"
COMMIT = f"{TAG_PREFIX}commit"
RUN_ID = f"{TAG_PREFIX}run-id"
EXPIRES_AT = f"{TAG_PREFIX}expires-at"
MANAGED_VALUE = "true"
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)


@dataclass(frozen=True)
class StackTags:
    """What every managed stack carries; CloudFormation propagates stack tags to resources."""

    repository: str
    pr_number: int | None
    commit: str
    run_id: str
    expires_at: datetime

    @classmethod
    def for_run(
        cls,
        repository: str,
        pr_number: int | None,
        commit: str,
        run_id: str,
        ttl: timedelta,
        now: datetime | None = None,
    ) -> StackTags:
        start = now or datetime.now(UTC)
        return cls(repository, pr_number, commit, run_id, start + ttl)

    def as_dict(self) -> dict[str, str]:
        tags = {
            MANAGED: MANAGED_VALUE,
            REPOSITORY: self.repository,
            COMMIT: self.commit or "unknown",
            RUN_ID: self.run_id or "local",
            EXPIRES_AT: format_time(self.expires_at),
        }
        if self.pr_number is not None:
            tags[PR] = str(self.pr_number)
        return tags


def is_managed(tags: Mapping[str, str]) -> bool:
    return tags.get(MANAGED) == MANAGED_VALUE
