"""The example app's template (stacks/example), synthesized in-process once per session (conftest.py):
the wiring the integration tests rely on (API routes, the order saga, events), clean-up on delete, and
the stack name from the documented context key."""
