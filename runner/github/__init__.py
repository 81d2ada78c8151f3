"""GitHub I/O for the report and the deploy: who the token is, the sticky comment, the check run,
deployments, and the permission each call needs (permissions.json, also the README's table).

Every call goes through PyGithub with the connection's retries; none raises for GitHub trouble into
the command: the exit code is about the tests and the stacks, so problems come back as outcomes.
"""
