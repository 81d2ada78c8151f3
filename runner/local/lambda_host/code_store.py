"""Unzipped function and layer code on disk, one directory per code digest."""

from __future__ import annotations

import io
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path

from runner.local.lambda_host.runtimes import UnsupportedRuntimeError


class CodeStore:
    """Keyed by the zip's SHA-256, so new code (UpdateFunctionCode, a stack update) gets a fresh
    directory while environments still running the old code keep theirs until they are retired."""

    def __init__(self) -> None:
        self._root = Path(tempfile.mkdtemp(prefix="spt-lambda-code-"))
        self._lock = threading.Lock()

    def directory_for(self, digest: str, zip_bytes: bytes, owner: str) -> Path:
        target = self._root / digest
        with self._lock:
            if target.is_dir():
                return target
            if not zip_bytes:
                raise UnsupportedRuntimeError(f"function {owner} has no code package stored in the endpoint")
            staging = Path(tempfile.mkdtemp(prefix=f"{digest}-", dir=self._root))
            try:
                with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
                    # extractall drops absolute paths and `..` parts, so a zip cannot escape staging.
                    archive.extractall(staging)
            except zipfile.BadZipFile as error:
                shutil.rmtree(staging, ignore_errors=True)
                raise UnsupportedRuntimeError(
                    f"function {owner}: its code package is not a valid zip file ({error})"
                ) from error
            staging.rename(target)
            return target

    def close(self) -> None:
        """Delete every unpacked package; called once the workers using them are dead."""
        with self._lock:
            shutil.rmtree(self._root, ignore_errors=True)
