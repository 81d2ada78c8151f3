"""The fix registry: every fix module is registered once, described in one line, applied once."""

from __future__ import annotations

import importlib
import pkgutil

import runner.local.fixes as fixes_package
from runner.local.fixes import ALL_FIXES, Fix, apply_fixes


def _fix_modules() -> dict[str, Fix]:
    found = {}
    for module_info in pkgutil.iter_modules(fixes_package.__path__):
        module = importlib.import_module(f"{fixes_package.__name__}.{module_info.name}")
        fix = getattr(module, "FIX", None)
        if isinstance(fix, Fix):
            found[module_info.name] = fix
    return found


def test_every_fix_module_is_registered_under_its_own_name() -> None:
    modules = _fix_modules()
    assert sorted(fix.name for fix in ALL_FIXES) == sorted(modules)
    assert all(fix.name == module_name for module_name, fix in modules.items())


def test_fix_descriptions_are_one_line() -> None:
    for fix in ALL_FIXES:
        assert fix.description, fix.name
        assert "\n" not in fix.description, fix.name


def test_applying_twice_installs_each_patch_once() -> None:
    from moto.cloudformation import parsing
    from moto.cloudformation.models import CloudFormationBackend, Stack

    apply_fixes()
    patched = (
        Stack.create_resources,
        Stack.update,
        Stack.delete,
        CloudFormationBackend.delete_stack,
        parsing.parse_and_create_resource,
        parsing.ResourceMap.delete,
    )
    apply_fixes()
    assert (
        Stack.create_resources,
        Stack.update,
        Stack.delete,
        CloudFormationBackend.delete_stack,
        parsing.parse_and_create_resource,
        parsing.ResourceMap.delete,
    ) == patched
    assert all(fix.applied for fix in ALL_FIXES)
