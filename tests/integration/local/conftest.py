"""Fixtures shared by the tests in this folder (each helper module owns its own fixtures)."""

from .cfn_testkit import fixed_endpoint, moto, stock_moto_url  # noqa: F401 - fixtures for test_fixes_*
from .lambda_testkit import endpoint  # noqa: F401 - one endpoint per module for test_lambda_* and others
