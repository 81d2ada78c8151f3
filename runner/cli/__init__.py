"""The CLI layer: the command table (main.py), shared flags and the requests they become (options.py),
the action's inputs (action_inputs.py). Nothing past a command module sees argparse."""

from runner.cli.main import main

__all__ = ["main"]
