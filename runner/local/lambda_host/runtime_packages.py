"""The third-party packages AWS's Python runtime provides: boto3 and its dependencies, nothing else.

Workers run on the runner's interpreter, whose site-packages hold moto, aws-cdk-lib, pytest and the
runner itself. A handler that imports one of those without bundling it works locally and fails in AWS
with Runtime.ImportModuleError; so the bootstrap drops site-packages from sys.path and adds a
directory that links only these.
"""

from __future__ import annotations

import atexit
import importlib.util
import shutil
import tempfile
import threading
from pathlib import Path

# Top-level import names of boto3 and what it pulls in (botocore: jmespath, dateutil, urllib3; six
# for dateutil), which the managed Python runtimes ship.
RUNTIME_MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")

_lock = threading.Lock()
_directory: Path | None = None


def runtime_packages_dir() -> Path:
    """A directory of symlinks to the runtime's packages, built once per process."""
    global _directory
    with _lock:
        if _directory is None:
            directory = Path(tempfile.mkdtemp(prefix="spt-lambda-runtime-"))
            for name in RUNTIME_MODULES:
                source = _location(name)
                if source is not None:
                    (directory / source.name).symlink_to(source, target_is_directory=source.is_dir())
            # rmtree removes the links, never what they point to.
            atexit.register(shutil.rmtree, directory, ignore_errors=True)
            _directory = directory
        return _directory


def _location(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    origin = Path(spec.origin)
    # A package is linked as its directory, a single-module distribution (six) as its file.
    return origin.parent if origin.name == "__init__.py" else origin
