"""Map a JUnit testcase (classname, name) back to the pytest node id that produced it.

pytest's junitxml writes `classname` and `name` with `mangle_test_address(nodeid)`:
`tests/test_x.py::TestC::test_y[a.b]` -> classname `tests.test_x.TestC`, name `test_y[a.b]`
(path separators become dots, `.py` is dropped, parameters stay on the name). The mapping is
not invertible (`tests.test_x.TestC` could also be `tests/test_x/TestC.py`), so the rule is:

1. If the shard plans are known, mangle every planned node id and look the pair up: exact.
2. Else, if the testcase carries a `file` attribute (pytest's xunit1) and the classname starts with
   that file's module, the module path is that file and the remaining classname parts are classes.
   (A test inherited from a base class in another module has the base's `file` but the subclass's
   classname: its node id comes from the classname, as in 3, so two subclasses never share one.)
3. Else, for pytest output only (suite named `pytest`), trailing classname parts that start with an
   upper-case letter are classes (pytest collects `Test*` classes) and the rest is the module path.
4. Anything else (jest, surefire, NUnit, xUnit.net, TRX) is shown as `classname::name`, or `name`
   alone when the producer repeats the name as the classname (`display_id`); such ids are not
   unique by construction (mocha tests may share a title), so only pytest's are checked for repeats.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence

from runner.report.junit.model import CaseRecord

UNNAMED = "(unnamed)"
_CLASSNAME, _NAME, _FILE = (operator.attrgetter(field) for field in ("classname", "name", "file"))


def mangle(nodeid: str) -> tuple[str, str]:
    """pytest's own mangling of a node id into (classname, name)."""
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    module = names[0].replace("/", ".")
    if module.endswith(".py"):
        module = module[: -len(".py")]
    names[0] = module
    names[-1] += bracket + params
    return ".".join(names[:-1]), names[-1]


class NodeIdResolver:
    """Resolves testcases to node ids, exactly when planned node ids are known, by rule otherwise."""

    def __init__(self, planned_nodeids: Iterable[str] = ()) -> None:
        self._planned: dict[tuple[str, str], str] = {}
        self._prefixes: dict[str, str] = {}
        for nodeid in planned_nodeids:
            self._planned.setdefault(mangle(nodeid), nodeid)

    def resolve(self, classname: str, name: str, file: str | None, pytest_output: bool) -> str:
        if self._planned:
            planned = self._planned.get((classname, name))
            if planned is not None:
                return planned
        if file and file.endswith(".py"):
            from_file = _from_file(classname, name, file)
            if from_file is not None:
                return from_file
        if pytest_output and classname:
            return self._prefix(classname) + name
        return display_id(classname, name)

    def resolve_all(self, records: Sequence[CaseRecord], pytest_output: bool) -> list[str]:
        """The node ids of `records`, in order: what `resolve` gives each one.

        Why a second entry point: this runs once per testcase of the whole report. For the common
        case (pytest output, no plans, no `file` attribute) one comprehension with the prefix
        lookup inline avoids a `resolve` call per testcase, which costs more than the lookup."""
        resolve = self.resolve
        if self._planned:
            # `report` in CI: the plans name every test, so one dict lookup resolves nearly all.
            planned = self._planned
            return [
                planned.get((record.classname, record.name))
                or resolve(record.classname, record.name, record.file, pytest_output)
                for record in records
            ]
        if not pytest_output:
            return [resolve(record.classname, record.name, record.file, pytest_output) for record in records]
        if not any(map(_FILE, records)):
            # One pass of C-level maps: the node id is the classname's prefix plus the name.
            classnames = list(map(_CLASSNAME, records))
            prefixes = list(map(self._prefixes.get, classnames))
            if None in prefixes:  # classnames not seen before (or an empty one): work each out once
                for classname in set(classnames).difference(self._prefixes):
                    if classname:
                        self._prefix(classname)
                prefixes = list(map(self._prefixes.get, classnames))
            if None not in prefixes:
                return list(map(operator.add, prefixes, map(_NAME, records)))
        return [resolve(record.classname, record.name, record.file, True) for record in records]

    def _prefix(self, classname: str) -> str:
        # Many tests share a classname; its node id prefix is worked out once.
        prefix = self._prefixes.get(classname)
        if prefix is None:
            prefix = self._prefixes[classname] = _prefix_from_classname(classname)
        return prefix


def display_id(classname: str, name: str) -> str:
    """How a test of any producer is named in the report."""
    if not name:
        return f"{classname}::{UNNAMED}" if classname else UNNAMED
    # jest-junit repeats the full title as the classname; mocha-junit-reporter puts the test's own
    # title in the classname and the full title (suites first) in the name.
    if not classname or classname == name or name.endswith(" " + classname):
        return name
    return f"{classname}::{name}"


def _from_file(classname: str, name: str, file: str) -> str | None:
    """The node id from the `file` attribute, or None when the classname is not in that file."""
    module_dotted = mangle(file + "::x")[0]
    if classname == module_dotted:
        return f"{file}::{name}"
    if not classname.startswith(module_dotted + "."):
        return None
    classes = classname[len(module_dotted) + 1 :]
    return "::".join([file, *(part for part in classes.split(".") if part), name])


def _prefix_from_classname(classname: str) -> str:
    parts = classname.split(".")
    first_class = len(parts)
    while first_class > 1 and parts[first_class - 1][:1].isupper():
        first_class -= 1
    module = "/".join(parts[:first_class]) + ".py"
    return "::".join([module, *parts[first_class:], ""])
