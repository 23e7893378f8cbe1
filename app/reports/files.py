"""Writing report files so that a reader never sees half of one.

Each file is written to a temporary name in the target folder, flushed, then renamed over
the target (``os.replace`` is atomic on one volume, also on Windows). A crash, a full disk
or an error while saving leaves the previous file — or none — never a truncated PDF or
workbook that Excel would "repair".
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_name(text: str) -> str:
    """``text`` usable in a Windows file name (no reserved characters, no trailing dots or spaces)."""
    cleaned = _UNSAFE.sub("_", text).strip().rstrip(". ")
    return cleaned or "_"


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` to fill a temporary file next to ``path``, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=path.suffix + ".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically (see the module docstring).

    ``durable`` also forces the bytes to disk before the rename, so a power cut cannot leave
    an empty file under the final name. It costs several milliseconds per file; a batch of
    payslips (which can be regenerated from the stored result at any time) skips it.
    """

    def write(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())

    return atomic_write(path, write)
