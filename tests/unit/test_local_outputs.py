"""Stack outputs that are AWS URLs become URLs that reach the local engine, and nothing else changes."""

from __future__ import annotations

from runner.local.outputs import local_url, rewrite_outputs

ENDPOINT = "http://localhost:4566"


def test_a_rest_api_url_keeps_its_stage_and_path() -> None:
    url = "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/"

    assert local_url(url, ENDPOINT, {"a1b2c3d4e5": frozenset({"prod"})}) == (
        "http://localhost:4566/_aws/execute-api/a1b2c3d4e5/prod/"
    )


def test_an_http_api_default_stage_is_named_locally() -> None:
    stages = {"zz9": frozenset({"$default"})}

    assert local_url("https://zz9.execute-api.eu-west-1.amazonaws.com/", ENDPOINT, stages) == (
        "http://localhost:4566/_aws/execute-api/zz9/$default/"
    )
    assert local_url("https://zz9.execute-api.eu-west-1.amazonaws.com/orders/7", ENDPOINT, stages) == (
        "http://localhost:4566/_aws/execute-api/zz9/$default/orders/7"
    )


def test_a_named_stage_of_an_api_that_also_has_a_default_stage_is_kept() -> None:
    stages = {"zz9": frozenset({"$default", "beta"})}

    assert local_url("https://zz9.execute-api.us-east-1.amazonaws.com/beta/x", ENDPOINT, stages) == (
        "http://localhost:4566/_aws/execute-api/zz9/beta/x"
    )


def test_a_function_url_becomes_the_engines_path_form() -> None:
    url = "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/"

    assert local_url(url, ENDPOINT + "/", {}) == (
        "http://localhost:4566/_aws/lambda-url/abcdefghijklmnopqrstuvwxyz012345/"
    )


def test_other_outputs_are_left_alone_and_only_urls_are_reported() -> None:
    outputs = {
        "Api": "https://q1.execute-api.us-east-1.amazonaws.com/prod/",
        "Table": "orders-table",
        "Site": "https://example.com/",
        "Queue": "http://localhost:4566/123456789012/q",
    }

    rewritten, changes = rewrite_outputs(outputs, ENDPOINT, {"q1": frozenset({"prod"})})

    assert rewritten["Api"] == "http://localhost:4566/_aws/execute-api/q1/prod/"
    assert {key: rewritten[key] for key in ("Table", "Site", "Queue")} == {
        key: outputs[key] for key in ("Table", "Site", "Queue")
    }
    assert [change.key for change in changes] == ["Api"]
    assert changes[0].aws_value == outputs["Api"]
