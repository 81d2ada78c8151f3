"""serverless-pr-test: a short-lived copy of a serverless AWS app per pull request."""

__version__ = "0.1.0"
