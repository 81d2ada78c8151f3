"""What runs inside the embedded engine's own process: MiniStack, plus this project's thin layer.

This package is imported only by the engine's interpreter (its own venv, see
runner/local/engine_install.py), never by the runner: it may import MiniStack and the standard
library, and nothing of `runner`.
"""
