"""Helpers shared across the test folders (imported as `tests.support...`)."""
