"""Fixtures shared by the tests in this folder (each helper module owns its own fixtures)."""

from .cfn_testkit import engine, local_engine  # noqa: F401 - fixtures for test_cfn_*
from .lambda_testkit import endpoint  # noqa: F401 - one endpoint per module for test_lambda_* and others
from .recording import record_bucket  # noqa: F401 - the trigger tests' record bucket
