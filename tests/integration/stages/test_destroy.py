import pytest

from runner.destroy.destroyer import discover_stacks
from runner.destroy.stage import build_destroyer
from runner.errors import DestroyError, GuardError
from runner.stacks import Stacks
from tests.support.aws import LAMBDA_ROLE, TRIVIAL_HANDLER, inline_function

from .conftest import REPOSITORY_NAME, create_stack, managed_tags

QUEUE = {"Q": {"Type": "AWS::SQS::Queue"}}


def destroyer(target, messages):
    built = build_destroyer(target)
    built._echo = messages.append  # keep the test output quiet but inspectable
    built._sleep = lambda seconds: None
    return built


def live(clients, name):
    return name in Stacks(clients("cloudformation")).live_stack_names()


def test_destroy_refuses_unmanaged_stack_and_deletes_nothing(target, clients, stack_name):
    create_stack(clients, stack_name, QUEUE, tags=[])
    create_stack(clients, f"{stack_name}-data", QUEUE)
    with pytest.raises(GuardError, match="did not create it"):
        destroyer(target, []).destroy([f"{stack_name}-data", stack_name], REPOSITORY_NAME, 1)
    assert live(clients, stack_name)
    assert live(clients, f"{stack_name}-data")


def test_destroy_refuses_stack_of_another_repository(target, clients, stack_name):
    create_stack(clients, stack_name, QUEUE, tags=managed_tags("org/other"))
    with pytest.raises(GuardError, match="org/other"):
        destroyer(target, []).destroy([stack_name], REPOSITORY_NAME, 1)
    assert live(clients, stack_name)


def test_destroy_of_a_missing_stack_succeeds(target, stack_name):
    outcome = destroyer(target, []).destroy([stack_name], REPOSITORY_NAME, 1)
    assert outcome.already_gone == (stack_name,)
    assert outcome.summary().endswith("0 leftovers")


def test_destroy_deletes_dependents_first_and_removes_lambda_log_groups(target, clients, stack_name):
    function = {"Role": LAMBDA_ROLE, "Fn": inline_function(TRIVIAL_HANDLER)}
    create_stack(clients, stack_name, QUEUE)
    create_stack(clients, f"{stack_name}-api", function)
    function_name = clients("cloudformation").describe_stack_resource(
        StackName=f"{stack_name}-api", LogicalResourceId="Fn"
    )["StackResourceDetail"]["PhysicalResourceId"]
    clients("logs").create_log_group(logGroupName=f"/aws/lambda/{function_name}")
    messages = []
    outcome = destroyer(target, messages).destroy([stack_name, f"{stack_name}-api"], REPOSITORY_NAME, 1)
    assert outcome.deleted == (f"{stack_name}-api", stack_name)
    assert not live(clients, stack_name)
    assert not live(clients, f"{stack_name}-api")
    assert f"{stack_name}-api: deleted log group /aws/lambda/{function_name}" in messages
    assert (
        clients("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{function_name}")["logGroups"]
        == []
    )


def _fill_versioned_bucket(clients, stack_name, logical_id="B"):
    name = clients("cloudformation").describe_stack_resource(
        StackName=stack_name, LogicalResourceId=logical_id
    )["StackResourceDetail"]["PhysicalResourceId"]
    s3 = clients("s3")
    for body in (b"one", b"two"):
        s3.put_object(Bucket=name, Key="report.csv", Body=body)
        s3.put_object(Bucket=name, Key="old.csv", Body=body)
    s3.delete_object(Bucket=name, Key="old.csv")  # a delete marker over two old versions
    return name


def test_destroy_empties_a_non_empty_versioned_bucket_before_deleting(target, clients, stack_name):
    bucket = {
        "B": {"Type": "AWS::S3::Bucket", "Properties": {"VersioningConfiguration": {"Status": "Enabled"}}}
    }
    create_stack(clients, stack_name, bucket)
    name = _fill_versioned_bucket(clients, stack_name)
    messages = []
    destroyer(target, messages).destroy([stack_name], REPOSITORY_NAME, 1)
    assert f"{stack_name}: emptied bucket {name} (5 object versions)" in messages
    assert name not in [item["Name"] for item in clients("s3").list_buckets()["Buckets"]]
    assert not live(clients, stack_name)


def test_a_bucket_that_blocks_deletion_is_emptied_and_the_delete_retried(target, clients, stack_name):
    """With a YAML template the deletion policies are unknown: destroy reacts to DELETE_FAILED."""
    template = (
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        "      VersioningConfiguration:\n        Status: Enabled\n"
    )
    clients("cloudformation").create_stack(StackName=stack_name, TemplateBody=template, Tags=managed_tags())
    name = _fill_versioned_bucket(clients, stack_name)
    messages = []
    destroyer(target, messages).destroy([stack_name], REPOSITORY_NAME, 1)
    assert any("DELETE_FAILED" in line and "not empty" in line for line in messages), messages
    assert f"  emptied bucket {name} (5 object versions)" in messages
    assert not live(clients, stack_name)


def test_a_retained_bucket_is_never_emptied_and_is_reported_as_left_behind(target, clients, stack_name):
    bucket = {"B": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain"}}
    create_stack(clients, stack_name, bucket)
    name = clients("cloudformation").describe_stack_resource(StackName=stack_name, LogicalResourceId="B")[
        "StackResourceDetail"
    ]["PhysicalResourceId"]
    clients("s3").put_object(Bucket=name, Key="keep.csv", Body=b"data")
    with pytest.raises(DestroyError, match=name):
        destroyer(target, []).destroy([stack_name], REPOSITORY_NAME, 1)
    assert clients("s3").get_object(Bucket=name, Key="keep.csv")["Body"].read() == b"data"
    clients("s3").delete_object(Bucket=name, Key="keep.csv")
    clients("s3").delete_bucket(Bucket=name)


def test_a_queue_that_only_shares_the_stack_name_is_neither_deleted_nor_a_leftover(
    target, clients, stack_name
):
    create_stack(clients, stack_name, QUEUE)
    url = clients("sqs").create_queue(QueueName=f"{stack_name}-orphan")["QueueUrl"]
    outcome = destroyer(target, []).destroy([stack_name], REPOSITORY_NAME, 1)
    assert outcome.leftovers == ()
    assert clients("sqs").get_queue_attributes(QueueUrl=url)  # not ours: untouched
    clients("sqs").delete_queue(QueueUrl=url)


def test_discover_finds_a_prs_stacks_without_its_neighbours(target, clients, stack_name):
    create_stack(clients, stack_name, QUEUE)
    create_stack(clients, f"{stack_name}-data", QUEUE)
    create_stack(clients, f"{stack_name}0", QUEUE)
    found = discover_stacks(Stacks(clients("cloudformation")), stack_name)
    assert found == [stack_name, f"{stack_name}-data"]
    destroyer(target, []).destroy(found, REPOSITORY_NAME, 1)
    destroyer(target, []).destroy([f"{stack_name}0"], REPOSITORY_NAME, 1)


def test_destroy_sweeps_event_captures_a_crashed_test_left_on_the_stacks_bus(target, clients, stack_name):
    create_stack(
        clients, stack_name, {"Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": stack_name}}}
    )
    queue_url = clients("sqs").create_queue(QueueName=f"spt-capture-{stack_name}")["QueueUrl"]
    queue_arn = clients("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    events = clients("events")
    events.put_rule(
        Name=f"spt-capture-{stack_name}", EventBusName=stack_name, EventPattern='{"source": ["x"]}'
    )
    events.put_targets(
        Rule=f"spt-capture-{stack_name}",
        EventBusName=stack_name,
        Targets=[{"Id": "spt-capture", "Arn": queue_arn}],
    )
    messages = []
    destroyer(target, messages).destroy([stack_name], REPOSITORY_NAME, 1)
    assert f"{stack_name}: removed leftover event capture spt-capture-{stack_name}" in messages
    assert not live(clients, stack_name)
    assert all("spt-capture" not in url for url in clients("sqs").list_queues().get("QueueUrls", []))
