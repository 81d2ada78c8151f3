"""CloudFormation parameters for the deploy: `KEY=VALUE` (every stack that declares KEY) or
`STACK:KEY=VALUE`, checked against the templates before anything is deployed.

STACK may be the app's own stack name, its CDK artifact id, or the per-PR name; the CDK CLI gets
each value addressed to the per-PR name of every stack that declares the key (it would otherwise
pass a value to a stack without that parameter, which CloudFormation refuses).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from runner.deploy.assembly import StackArtifact
from runner.deploy.assembly_rename import RenamedAssembly
from runner.errors import ConfigError

_KEY = re.compile(r"^[A-Za-z0-9]+$")  # CloudFormation logical ids are alphanumeric
_STACK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]*$")


@dataclass(frozen=True)
class ParameterValue:
    key: str
    value: str
    stack: str | None  # None: every stack that declares `key`
    source: str = ""  # where it came from, for error messages

    def applies_to(self, stack: StackArtifact, original_name: str) -> bool:
        if self.stack is None:
            return True
        return self.stack in (stack.stack_name, original_name, stack.artifact_id, stack.local_id)


@dataclass(frozen=True)
class DeclaredParameter:
    stack: str
    key: str
    required: bool  # no Default
    no_echo: bool


@dataclass(frozen=True)
class ParameterInputs:
    values: tuple[ParameterValue, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[tuple[str, str]]) -> ParameterInputs:
        """`entries` are (source, text), e.g. ("--parameters 'Stage=dev'", "Stage=dev"); one
        ConfigError names every malformed entry."""
        values: list[ParameterValue] = []
        problems: list[str] = []
        for source, text in entries:
            try:
                values.append(parse_one(text, source))
            except ConfigError as error:
                problems.append(str(error))
        if problems:
            raise ConfigError("; ".join(problems))
        return cls(tuple(values))

    def cli_arguments(self, renamed: RenamedAssembly) -> tuple[str, ...]:
        """`--parameters=<per-PR stack>:KEY=VALUE` for the CDK CLI; a ConfigError when a value fits
        no stack or a stack's required parameter has no value."""
        stacks = renamed.assembly.stacks
        declared = {stack.stack_name: declared_parameters(stack) for stack in stacks}
        problems: list[str] = []
        chosen: dict[tuple[str, str], ParameterValue] = {}
        for value in self.values:
            targets = [s for s in stacks if value.applies_to(s, renamed.original_name(s.stack_name))]
            if not targets:
                names = ", ".join(renamed.original_name(stack.stack_name) for stack in stacks)
                problems.append(f"{value.source}: the app has no stack {value.stack!r} (stacks: {names})")
                continue
            takers = [s.stack_name for s in targets if value.key in declared[s.stack_name]]
            if not takers:
                problems.append(f"{value.source}: no stack declares a parameter {value.key!r}")
            for name in takers:
                previous = chosen.get((name, value.key))
                if previous is None or (previous.stack is None and value.stack is not None):
                    chosen[(name, value.key)] = value  # STACK:KEY beats KEY; otherwise the first
        for name, parameters in declared.items():
            for parameter in parameters.values():
                if parameter.required and (name, parameter.key) not in chosen:
                    problems.append(
                        f"stack {renamed.original_name(name)} ({name}) needs a value for its parameter "
                        f"{parameter.key!r} (it has no Default): pass --parameters {parameter.key}=VALUE "
                        "(action input `parameters`)"
                    )
        if problems:
            raise ConfigError("; ".join(problems))
        return tuple(f"--parameters={name}:{key}={value.value}" for (name, key), value in chosen.items())

    def secret_values(self, renamed: RenamedAssembly) -> tuple[str, ...]:
        """Values of NoEcho parameters: masked in the Actions log."""
        secret_keys = {
            parameter.key
            for stack in renamed.assembly.stacks
            for parameter in declared_parameters(stack).values()
            if parameter.no_echo
        }
        return tuple(value.value for value in self.values if value.key in secret_keys and value.value)


def parse_one(text: str, source: str) -> ParameterValue:
    left, separator, value = text.partition("=")
    left = left.strip()
    if not separator:
        raise ConfigError(f"{source}: expected KEY=VALUE or STACK:KEY=VALUE, got {text!r}")
    stack, colon, key = left.rpartition(":")
    if colon and not _STACK.match(stack):
        raise ConfigError(f"{source}: {stack!r} is not a stack name")
    if not _KEY.match(key):
        raise ConfigError(f"{source}: parameter name {key!r} must be letters and digits only")
    return ParameterValue(key=key, value=value, stack=stack if colon else None, source=source)


def declared_parameters(stack: StackArtifact) -> dict[str, DeclaredParameter]:
    parameters: dict[str, Any] = stack.template().get("Parameters", {})
    return {
        key: DeclaredParameter(
            stack=stack.stack_name,
            key=key,
            required="Default" not in spec,
            no_echo=str(spec.get("NoEcho", "")).lower() == "true",
        )
        for key, spec in parameters.items()
        if isinstance(spec, dict)
    }


def from_lines(text: str, input_name: str) -> list[tuple[str, str]]:
    """The action input (one KEY=VALUE per line, blank lines ignored) as (source, text) entries."""
    return [
        (f"input `{input_name}` line {number}", line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def from_flags(flags: Sequence[str] | None) -> list[tuple[str, str]]:
    return [(f"--parameters {flag!r}", flag) for flag in flags or ()]
