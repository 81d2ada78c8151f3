"""The last line of a destroy says what is still deployed, and how to remove it."""

from runner.destroy.cancellation import RemovalCommand, final_status

COMMAND = RemovalCommand("shop-pr-7", "acme/shop", 7, "us-east-1", None)


def test_nothing_left_says_so():
    assert final_status([], COMMAND) == "Nothing is still deployed."


def test_what_is_left_on_aws_comes_with_the_command_that_removes_it():
    line = final_status(["shop-pr-7 (DELETE_IN_PROGRESS)"], COMMAND)
    assert line.startswith("Still deployed: shop-pr-7 (DELETE_IN_PROGRESS). Remove with: ")
    assert "--pr 7" in line


def test_what_is_left_on_an_engine_that_stops_with_the_run_goes_with_it():
    line = final_status(["shop-pr-7 (DELETE_IN_PROGRESS)"], COMMAND, embedded=True)
    assert line.startswith("Nothing is still deployed: shop-pr-7 (DELETE_IN_PROGRESS) went away")
