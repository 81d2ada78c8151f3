"""The interpreter the flow test relies on behaves like the GitHub runner on the points it covers."""

from __future__ import annotations

import pytest

from .gha_interpreter import ExpressionError, Job, condition, evaluate, read_file_command, run_action

CONTEXTS = {
    "inputs": {"flag": "true", "empty": "", "name": "Shop"},
    "steps": {"a": {"outputs": {"x": "1"}}},
    "github": {},
    "runner": {},
    "env": {},
}


def test_expressions_follow_github_semantics():
    assert evaluate("inputs.flag == 'true'", CONTEXTS) is True
    assert evaluate("inputs.name == 'shop'", CONTEXTS) is True  # strings compare case-insensitively
    assert evaluate("inputs.empty || 'fallback'", CONTEXTS) == "fallback"
    assert evaluate("inputs.flag && 'yes'", CONTEXTS) == "yes"
    assert evaluate("!(inputs.flag == 'true') || steps.a.outputs.x == 1", CONTEXTS) is True
    assert evaluate("steps.missing.outputs.x", CONTEXTS) is None


def test_an_if_without_a_status_function_means_success_and():
    assert condition("inputs.flag == 'true'", CONTEXTS, {"failed": False})
    assert not condition("inputs.flag == 'true'", CONTEXTS, {"failed": True})
    assert condition("always() && inputs.flag == 'true'", CONTEXTS, {"failed": True})


def test_unknown_functions_and_contexts_are_errors_not_guesses():
    with pytest.raises(ExpressionError):
        evaluate("hashFiles()", CONTEXTS)
    with pytest.raises(ExpressionError):
        evaluate("secrets.TOKEN", CONTEXTS)


def test_file_commands_read_plain_and_heredoc_values(tmp_path):
    path = tmp_path / "output"
    path.write_text("a=1\nmulti<<EOF_1\nline one\nline=two\nEOF_1\nb=x=y\n")
    assert read_file_command(path) == {"a": "1", "multi": "line one\nline=two", "b": "x=y"}


def test_env_path_outputs_and_failure_carry_between_steps(tmp_path):
    action = tmp_path / "action"
    action.mkdir()
    (action / "action.yml").write_text(
        """
name: t
description: t
inputs:
  who: {description: who, default: "${{ github.repository }}"}
outputs:
  greeting: {description: g, value: "${{ steps.second.outputs.greeting }}"}
runs:
  using: composite
  steps:
    - shell: bash
      run: |
        mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool-ran\\n' > "$RUNNER_TEMP/bin/tool"
        chmod +x "$RUNNER_TEMP/bin/tool"
        echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
        echo "SHARED=from-first" >> "$GITHUB_ENV"
    - id: second
      shell: bash
      env:
        WHO: ${{ inputs.who }}
      run: |
        echo "greeting=$(tool) $SHARED $WHO" >> "$GITHUB_OUTPUT"
        echo "# summary" >> "$GITHUB_STEP_SUMMARY"
    - shell: bash
      run: exit 3
    - name: skipped
      shell: bash
      run: echo never
    - name: cleanup
      if: always()
      shell: bash
      run: echo cleaned
"""
    )
    (tmp_path / "ws").mkdir()
    (tmp_path / "temp").mkdir()
    job = Job(tmp_path / "ws", tmp_path / "temp", {"PATH": "/usr/bin:/bin"}, {"repository": "acme/shop"})
    run = run_action(action, {}, job)
    assert run.outputs == {"greeting": "tool-ran from-first acme/shop"}
    assert not run.succeeded
    assert run.step("skipped").outcome == "skipped"
    assert run.step("cleanup").outcome == "success"
    assert job.summary == "# summary\n"


def test_actions_other_than_tool_set_up_are_refused(tmp_path):
    action = tmp_path / "action"
    action.mkdir()
    (action / "action.yml").write_text(
        "name: t\ndescription: t\nruns:\n  using: composite\n  steps:\n    - uses: someone/deploy@v1\n"
    )
    (tmp_path / "ws").mkdir()
    (tmp_path / "temp").mkdir()
    with pytest.raises(ExpressionError, match="cannot run"):
        run_action(action, {}, Job(tmp_path / "ws", tmp_path / "temp", {}, {}))
