"""GitHub deployments for a PR environment: `deploy` creates one for environment `pr-<N>` (status
in_progress, then success with the environment URL, or failure), `destroy` marks every deployment of
that environment inactive, so the PR timeline shows the live environment and its end. Needs
`deployments: write`; without it, one notice and the stage goes on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from github import Github
from github.Deployment import Deployment
from github.GithubObject import NotSet

from runner.github.connection import GithubConnection, failure_message, github_errors


class DeploymentState(Enum):
    IN_PROGRESS = "in_progress"
    SUCCESS = "success"
    FAILURE = "failure"
    INACTIVE = "inactive"


WarnFn = Callable[[str], None]


def environment_name(pr_number: int) -> str:
    return f"pr-{pr_number}"


@dataclass(frozen=True)
class DeploymentTarget:
    repository: str
    pr_number: int
    ref: str  # the commit deployed
    log_url: str | None = None

    @property
    def environment(self) -> str:
        return environment_name(self.pr_number)


class Deployments:
    def __init__(self, github: Github, repository: str) -> None:
        self._repo = github.get_repo(repository)

    def start(self, target: DeploymentTarget, description: str) -> Deployment:
        deployment = self._repo.create_deployment(
            ref=target.ref,
            environment=target.environment,
            description=description[:140],
            auto_merge=False,
            required_contexts=[],  # the run that deploys is the check; nothing to wait for
            transient_environment=True,
            production_environment=False,
        )
        self.set_state(deployment, DeploymentState.IN_PROGRESS, target.log_url)
        return deployment

    @staticmethod
    def set_state(
        deployment: Deployment,
        state: DeploymentState,
        log_url: str | None,
        environment_url: str | None = None,
    ) -> None:
        deployment.create_status(
            state.value,
            target_url=log_url or NotSet,  # the API's older name for log_url
            environment_url=environment_url or NotSet,
            auto_inactive=state is DeploymentState.SUCCESS,
        )

    def deactivate(self, environment: str) -> int:
        """Every deployment of `environment` gets an inactive status; returns how many."""
        count = 0
        for deployment in self._repo.get_deployments(environment=environment):
            self.set_state(deployment, DeploymentState.INACTIVE, None)
            count += 1
        return count


class DeploymentTracker:
    """The deploy command's hook: start before the CDK deploy, finish after; GitHub trouble is a
    warning, never the deploy's failure."""

    def __init__(self, connection: GithubConnection, target: DeploymentTarget, warn: WarnFn) -> None:
        self._connection = connection
        self._target = target
        self._warn = warn
        self._deployments: Deployments | None = None
        self._deployment: Deployment | None = None

    def start(self, description: str) -> None:
        try:
            self._deployments = Deployments(self._connection.client(), self._target.repository)
            self._deployment = self._deployments.start(self._target, description)
        except github_errors() as error:
            self._warn(f"no GitHub deployment for {self._target.environment}: {failure_message(error)}")

    def finish(self, succeeded: bool, environment_url: str | None) -> None:
        if self._deployment is None:
            return
        state = DeploymentState.SUCCESS if succeeded else DeploymentState.FAILURE
        try:
            Deployments.set_state(self._deployment, state, self._target.log_url, environment_url)
        except github_errors() as error:
            self._warn(f"GitHub deployment status {state.value} not set: {failure_message(error)}")


def deactivate_environment(connection: GithubConnection, repository: str, pr_number: int) -> str:
    """For `destroy`: a line saying what happened (never raises for GitHub trouble)."""
    environment = environment_name(pr_number)
    try:
        count = Deployments(connection.client(), repository).deactivate(environment)
    except github_errors() as error:
        return f"GitHub deployments of {environment} not marked inactive: {failure_message(error)}"
    return f"GitHub environment {environment}: {count} deployment(s) marked inactive"
