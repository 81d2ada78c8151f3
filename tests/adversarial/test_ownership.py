"""Destroy and janitor touch a resource only when it is proven ours: the stack carries the managed
tag, this repository's tag and (for a PR) this PR's tag, and a log group belongs to a function the
stack itself names. Names, prefixes and substrings prove nothing; the record's repository neither.
"""

from __future__ import annotations

import json
from pathlib import Path

from runner.stacks import EventFeed, Stacks

from .conftest import (
    OTHER_REPOSITORY,
    QUEUE,
    REPOSITORY_NAME,
    assert_one_clean_error,
    cli,
    cli_env,
    create_stack,
    function,
    log_group_exists,
    physical_id,
    stack_exists,
    tags,
)


def write_record(path: Path, endpoint, names: list[str], repository=REPOSITORY_NAME, pr=1) -> Path:
    record = {
        "version": 1,
        "repository": repository,
        "pr_number": pr,
        "commit": "abc",
        "run_id": "local-1",
        "region": endpoint.region,
        "endpoint_url": endpoint.url,
        "stacks": [{"name": name, "status": "CREATE_COMPLETE", "outputs": {}} for name in names],
        "tags": {},
        "deployed_at": "2026-12-07T00:00:00Z",
    }
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_destroy_of_a_stack_that_does_not_exist_deletes_no_log_group_sharing_its_name(endpoint, aws, unique):
    group = f"/aws/lambda/{unique}-prod-orders-handler"
    aws("logs").create_log_group(logGroupName=group)
    ran = cli(
        ["destroy", "--stack-name", f"{unique}-prod", "--endpoint-url", endpoint.url], cli_env(endpoint)
    )
    assert ran.code == 0, str(ran)
    assert log_group_exists(aws, group)
    assert ran.last_line == "Nothing is still deployed."


def test_destroy_deletes_only_the_log_groups_of_its_own_stacks_functions(endpoint, aws, unique, tmp_path):
    ours, foreign = f"{unique}-pr-1", f"{unique}-pr-1-foreign"
    create_stack(aws, ours, {**function("Fn"), **function("Logged", f"/own/{unique}")}, tags())
    create_stack(aws, foreign, function("Fn"), tags(repository=OTHER_REPOSITORY))
    own_group = f"/aws/lambda/{physical_id(aws, ours, 'Fn')}"
    configured_group = f"/own/{unique}"
    foreign_group = f"/aws/lambda/{physical_id(aws, foreign, 'Fn')}"
    unmanaged_group = f"/aws/lambda/{unique}-pr-1-unmanaged-handler"
    for group in (own_group, configured_group, foreign_group, unmanaged_group):
        aws("logs").create_log_group(logGroupName=group)

    record = write_record(tmp_path / "deployment.json", endpoint, [ours])
    ran = cli(["destroy", "--record", str(record)], cli_env(endpoint))

    assert ran.code == 0, str(ran)
    assert "0 leftovers" in ran.output  # the foreign stack's resources are not counted as ours
    assert not stack_exists(aws, ours)
    assert not log_group_exists(aws, own_group)
    assert not log_group_exists(aws, configured_group)
    assert stack_exists(aws, foreign)
    assert log_group_exists(aws, foreign_group)
    assert log_group_exists(aws, unmanaged_group)


def test_a_record_naming_another_repository_is_refused_and_its_stack_survives(
    endpoint, aws, unique, tmp_path
):
    theirs = f"{unique}-pr-1"
    create_stack(aws, theirs, QUEUE, tags(repository=OTHER_REPOSITORY))
    record = write_record(tmp_path / "deployment.json", endpoint, [theirs], repository=OTHER_REPOSITORY)
    ran = cli(["destroy", "--record", str(record)], cli_env(endpoint))
    assert_one_clean_error(ran, 2, "is for repository 'other/repo'")
    assert stack_exists(aws, theirs)


def test_destroy_by_pr_leaves_stacks_whose_pr_tag_is_another_prs(endpoint, aws, unique):
    ours, seven, five = f"{unique}-pr-1", f"{unique}-pr-1-x", f"{unique}-pr-1-pr-5"
    create_stack(aws, ours, QUEUE, tags(pr=1))
    create_stack(aws, seven, QUEUE, tags(pr=7))
    create_stack(aws, five, QUEUE, tags(pr=5))
    ran = cli(
        ["destroy", "--pr", "1", "--stack-prefix", unique, "--endpoint-url", endpoint.url], cli_env(endpoint)
    )
    assert ran.code == 0, str(ran)
    assert not stack_exists(aws, ours)
    assert stack_exists(aws, seven)
    assert stack_exists(aws, five)
    assert f"{seven}: stack {seven} belongs to PR #7, not PR #1; left alone" in ran.output


def test_a_record_listing_another_prs_stack_is_refused_and_nothing_is_deleted(
    endpoint, aws, unique, tmp_path
):
    ours, seven = f"{unique}-pr-1", f"{unique}-pr-1-x"
    create_stack(aws, ours, QUEUE, tags(pr=1))
    create_stack(aws, seven, QUEUE, tags(pr=7))
    record = write_record(tmp_path / "deployment.json", endpoint, [ours, seven])
    ran = cli(["destroy", "--record", str(record)], cli_env(endpoint))
    assert_one_clean_error(ran, 6, "belongs to PR #7, not PR #1")
    assert stack_exists(aws, ours)  # refused together: nothing half done
    assert stack_exists(aws, seven)


def test_destroy_refuses_an_unmanaged_stack_of_the_prs_name(endpoint, aws, unique, tmp_path):
    name = f"{unique}-pr-1"
    create_stack(aws, name, QUEUE, tags(repository=None, pr=None))
    record = write_record(tmp_path / "deployment.json", endpoint, [name])
    ran = cli(["destroy", "--record", str(record)], cli_env(endpoint))
    assert_one_clean_error(ran, 6, "serverless-pr-test did not create it")
    assert stack_exists(aws, name)


def test_the_janitor_never_deletes_the_log_group_of_an_unmanaged_stack(endpoint, aws, unique):
    repository = f"acme/{unique}"
    expired, unmanaged = f"{unique}-pr-3", f"{unique}-pr-3-x"
    create_stack(aws, expired, QUEUE, tags(repository=repository, pr=3, expires="2020-01-01T00:00:00Z"))
    create_stack(aws, unmanaged, function("Fn"), tags(repository=None, pr=None))
    group = f"/aws/lambda/{physical_id(aws, unmanaged, 'Fn')}"
    lookalike = f"/aws/lambda/{expired}-Handler-LOOKALIKE"
    for name in (group, lookalike):
        aws("logs").create_log_group(logGroupName=name)
    ran = cli(["janitor", "--repository", repository, "--endpoint-url", endpoint.url], cli_env(endpoint))
    assert ran.code == 0, str(ran)
    assert not stack_exists(aws, expired)
    assert stack_exists(aws, unmanaged)
    assert log_group_exists(aws, group)
    assert log_group_exists(aws, lookalike)


def test_destroy_deletes_the_log_group_of_a_function_its_failed_update_rolled_back(
    endpoint, aws, unique, tmp_path
):
    """A function the stack's own event history created belongs to the stack even after a rollback
    removed it from the resource list; its log group is deleted with the stack."""
    name = f"{unique}-pr-1"
    create_stack(aws, name, QUEUE, tags())
    template = {
        "Resources": {
            **QUEUE,
            **function("Gone"),
            "Broken": {
                "Type": "AWS::SQS::Queue",
                "DependsOn": "Gone",
                "Properties": {"QueueName": {"Fn::ImportValue": f"{unique}-no-such-export"}},
            },
        }
    }
    aws("cloudformation").update_stack(StackName=name, TemplateBody=json.dumps(template), Tags=tags())
    settled = Stacks(aws("cloudformation")).wait_until_settled(name, EventFeed(name), lambda event: None, 120)
    assert settled is not None
    assert settled.status == "UPDATE_ROLLBACK_COMPLETE", settled
    events = aws("cloudformation").describe_stack_events(StackName=name)["StackEvents"]
    created = [
        event["PhysicalResourceId"]
        for event in events
        if event["LogicalResourceId"] == "Gone" and event.get("PhysicalResourceId")
    ]
    assert created, events
    group = f"/aws/lambda/{created[0]}"
    aws("logs").create_log_group(logGroupName=group)
    record = write_record(tmp_path / "deployment.json", endpoint, [name])
    ran = cli(["destroy", "--record", str(record)], cli_env(endpoint))
    assert ran.code == 0, str(ran)
    assert not log_group_exists(aws, group)
