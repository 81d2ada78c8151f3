"""Map a JUnit testcase (classname, name) back to the pytest node id that produced it.

pytest's junitxml writes `classname` and `name` with `mangle_test_address(nodeid)`:
`tests/test_x.py::TestC::test_y[a.b]` -> classname `tests.test_x.TestC`, name `test_y[a.b]`
(path separators become dots, `.py` is dropped, parameters stay on the name). The mapping is
not invertible (`tests.test_x.TestC` could also be `tests/test_x/TestC.py`), so the rule is:

1. If the shard plans are known, mangle every planned node id and look the pair up: exact.
2. Else, if the testcase carries a `file` attribute (pytest's xunit1), the module path is that
   file and the remaining classname parts are classes.
3. Else, for pytest output only (suite named `pytest`), trailing classname parts that start with an
   upper-case letter are classes (pytest collects `Test*` classes) and the rest is the module path.
4. Anything else (jest, surefire, xunit) is identified as `classname::name`, or `name` alone when
   the producer repeats the name as the classname.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from runner.junit.model import CaseRecord


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
            return _from_file(classname, name, file)
        if pytest_output and classname:
            return self._prefix(classname) + name
        if not classname or classname == name:
            return name
        return f"{classname}::{name}"

    def resolve_all(self, records: Sequence[CaseRecord], pytest_output: bool) -> list[str]:
        """The node ids of `records`, in order: what `resolve` gives each one.

        Why a second entry point: this runs once per testcase of the whole report. For the common
        case (pytest output, no plans, no `file` attribute) one comprehension with the prefix
        lookup inline avoids a `resolve` call per testcase, which costs more than the lookup."""
        resolve = self.resolve
        if self._planned or not pytest_output:
            return [resolve(record[0], record[1], record[2], pytest_output) for record in records]
        prefixes, prefix = self._prefixes, self._prefix
        return [
            (prefixes.get(classname) or prefix(classname)) + name
            if classname and not file
            else resolve(classname, name, file, True)
            for classname, name, file, _, _, _, _, _ in records
        ]

    def _prefix(self, classname: str) -> str:
        # Many tests share a classname; its node id prefix is worked out once.
        prefix = self._prefixes.get(classname)
        if prefix is None:
            prefix = self._prefixes[classname] = _prefix_from_classname(classname)
        return prefix


def _from_file(classname: str, name: str, file: str) -> str:
    module_dotted = mangle(file + "::x")[0]
    classes = classname[len(module_dotted) + 1 :] if classname.startswith(module_dotted + ".") else ""
    parts = [file, *(part for part in classes.split(".") if part), name]
    return "::".join(parts)


def _prefix_from_classname(classname: str) -> str:
    parts = classname.split(".")
    first_class = len(parts)
    while first_class > 1 and parts[first_class - 1][:1].isupper():
        first_class -= 1
    module = "/".join(parts[:first_class]) + ".py"
    return "::".join([module, *parts[first_class:], ""])
