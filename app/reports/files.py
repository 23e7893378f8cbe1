"""Output files: names that work on every file system, and output that is all there or not at all.

**Names.** Every file name derived from user data (an agent's code and name, a month) goes
through :func:`file_name`: characters Windows refuses (``<>:"/\\|?*`` and control characters)
become ``_``, reserved device names (``CON``, ``NUL``, ``COM1`` …) get a ``_`` in front, trailing
dots and spaces go, and the stem is cut to :data:`MAX_STEM` characters (and :data:`MAX_STEM_BYTES`
UTF-8 bytes, the limit Linux and macOS count in). :func:`unique_names` then makes the names of
one output distinct the way Windows and macOS compare them — ignoring case — by adding ``-2``,
``-3`` …, so ``X/1``, ``X:1`` and ``X?1`` (all ``X_1``) or ``A001`` and ``a001`` give as many files
as there are agents.

**Staging.** :func:`staged_output` collects a whole output (one workbook, or a folder of
payslips) in a private temporary folder *next to the destination* (inside the destination
folder when it exists, beside it when it is new: the same volume, so the final moves are
renames), and moves it into place only when every file is complete:

- when the destination folder is new, the temporary folder itself is renamed to it;
- otherwise each file is ``os.replace``\\ d into place; files it replaces are first moved
  aside into the temporary folder, and put back if any move fails, so the destination ends
  up either completely new or as it was.

A failure anywhere (an error while rendering, a full disk, a file that cannot be replaced)
removes the temporary folder and leaves the destination untouched. A process that is killed
leaves at most the temporary folder, named ``.branchpay-partial-…`` (hidden on Windows too),
never a half-written file under a real name; the next output into the same place removes
such folders once no running process holds them (each stage holds a lock on its ``.lock``
file for as long as it lives), first putting back any old file a killed run had moved aside
and not yet replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"123456789", "\u00b9", "\u00b2", "\u00b3"]]
)
MAX_STEM = 100
"""Characters of a file name before its extension (and before any ``-2`` added to make it unique)."""
MAX_STEM_BYTES = 200
"""The same limit in UTF-8 bytes: ext4 and APFS allow 255 bytes per name, and a Chinese character takes 3."""

STAGE_PREFIX = ".branchpay-partial-"
"""Name prefix of the temporary folders :func:`staged_output` writes into."""
_LOCK = ".lock"
_ASIDE = ".replaced"
SCRATCH = ".scratch"


def safe_name(text: str) -> str:
    """``text`` usable as (part of) a Windows file name: no reserved characters, no trailing dots or spaces."""
    cleaned = _UNSAFE.sub("_", text).strip().rstrip(". ")
    return cleaned or "_"


def _cut(stem: str) -> str:
    stem = stem[:MAX_STEM]
    while len(stem.encode("utf-8")) > MAX_STEM_BYTES:
        stem = stem[:-1]
    return stem


def file_name(stem: str, suffix: str = "") -> str:
    """A file name for ``stem`` + ``suffix`` (e.g. ``".pdf"``) that every file system accepts.

    See the module docstring; ``suffix`` is trusted (it is the program's own extension).
    """
    stem = safe_name(unicodedata.normalize("NFC", stem))
    stem = _cut(stem).rstrip(". ") or "_"
    if stem.split(".")[0].rstrip(" ").upper() in _RESERVED:
        stem = "_" + stem
    return stem + suffix


def name_key(name: str) -> str:
    """What two names must differ in for Windows and macOS to keep them apart (case, Unicode form)."""
    return unicodedata.normalize("NFC", name).casefold()


def unique_names(names: Iterable[str]) -> list[str]:
    """``names`` (already safe, e.g. from :func:`file_name`) made distinct ignoring case.

    The first of equal names keeps its name; the others get ``-2``, ``-3`` … before the
    extension, skipping any name that is already taken, so the result has as many distinct
    files as ``names`` has entries, in the same order.
    """
    names = list(names)
    taken = {name_key(n) for n in names}
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = name_key(name)
        if key in seen:
            stem, dot, ext = name.rpartition(".")
            if not dot or not stem:
                stem, ext = name, ""
            n = 2
            while True:
                candidate = f"{stem}-{n}" + (f".{ext}" if ext else "")
                if name_key(candidate) not in taken:
                    break
                n += 1
            name, key = candidate, name_key(candidate)
            taken.add(key)
        seen.add(key)
        out.append(name)
    return out


# ---------------------------------------------------------------------------------------------
# Staged output


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the volume (or the user's quota) is full."""
    if not isinstance(exc, OSError):
        return False
    # ERROR_HANDLE_DISK_FULL (39) and ERROR_DISK_FULL (112) on Windows
    return exc.errno in (errno.ENOSPC, errno.EDQUOT) or getattr(exc, "winerror", None) in (39, 112)


def as_os_error(exc: BaseException) -> OSError | None:
    """The :class:`OSError` behind ``exc`` when a library reported one its own way, else None.

    lxml (under openpyxl) reports a failed write as ``SerialisationError("IO_ENOSPC")``.
    """
    if isinstance(exc, OSError):
        return exc
    match = re.fullmatch(r"IO_(E[A-Z0-9]+)", str(exc).strip())
    code = getattr(errno, match.group(1), None) if match else None
    if isinstance(code, int):
        return OSError(code, os.strerror(code))
    return None


def output_error_text(exc: OSError, where: Path | str) -> tuple[str, str]:
    """One line (中文, English) saying why nothing was written to ``where``."""
    if is_disk_full(exc):
        return (
            f"磁盘已满：{where} 未写入任何文件。请腾出空间或换一个文件夹后重试。",
            f"the disk is full: {where}; nothing was written. Free some space or choose another folder.",
        )
    reason = exc.strerror or str(exc) or type(exc).__name__
    return (
        f"无法写入 {where}：{reason}，未写入任何文件。",
        f"cannot write {where}: {reason}; nothing was written.",
    )


def _lock(fh: IO[bytes]) -> bool:
    """Hold (or, for the cleaner, try to take) an exclusive lock on a stage's lock file."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _set_hidden(path: Path, hidden: bool) -> None:
    """Set or clear Windows' "hidden" attribute (a leading dot hides a folder everywhere else)."""
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        with contextlib.suppress(Exception):
            attributes = kernel32.GetFileAttributesW(str(path))
            if attributes != 0xFFFFFFFF:  # INVALID_FILE_ATTRIBUTES
                kernel32.SetFileAttributesW(str(path), attributes | 0x2 if hidden else attributes & ~0x2)


def remove_abandoned_stages(folder: Path) -> list[Path]:
    """Remove temporary folders that a killed or crashed output left in ``folder``; returns them.

    A stage still in use holds the lock on its ``.lock`` file and is left alone.
    """
    removed: list[Path] = []
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(STAGE_PREFIX) and p.is_dir()]
    except OSError:
        return removed
    for stage in candidates:
        lock = stage / _LOCK
        try:
            fh = lock.open("rb+")
        except FileNotFoundError:
            fh = None  # killed before the lock file existed, or already half removed
        except OSError:
            continue
        try:
            if fh is not None and not _lock(fh):
                continue  # a running output owns it
        finally:
            if fh is not None:
                fh.close()
        _restore_aside(stage)
        shutil.rmtree(stage, ignore_errors=True)
        if not stage.exists():
            removed.append(stage)
    return removed


def _restore_aside(stage: Path) -> None:
    """Files a killed output had moved aside to replace them go back where they are missing."""
    aside = stage / _ASIDE
    if not aside.is_dir():
        return
    for old in aside.iterdir():
        target = stage.parent / old.name
        if not target.exists() and not target.is_symlink():
            with contextlib.suppress(OSError):
                os.replace(old, target)


class Stage:
    """The temporary folder of one :func:`staged_output`; ask it where to write each file."""

    def __init__(self, folder: Path, dest_dir: Path) -> None:
        self.folder = folder
        self.dest_dir = dest_dir
        self.names: list[str] = []
        self._keys: set[str] = set()
        self.written: list[Path] = []  # the final paths, once committed

    def path(self, name: str) -> Path:
        """Where to write the output file ``name`` (a plain file name, distinct from the others)."""
        if not name or Path(name).name != name or name in (".", "..") or name.startswith(STAGE_PREFIX):
            raise ValueError(f"not a plain file name: {name!r}")
        key = name_key(name)
        if key in self._keys:
            raise ValueError(f"{name!r} is already part of this output")
        self._keys.add(key)
        self.names.append(name)
        return self.folder / name

    def write_bytes(self, name: str, data: bytes) -> Path:
        path = self.path(name)
        with path.open("wb") as fh:
            fh.write(data)
        return path

    @property
    def scratch(self) -> Path:
        """A folder for work files that are not part of the output (removed with the stage)."""
        folder = self.folder / SCRATCH
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder

    def _fsync_all(self) -> None:
        for name in self.names:
            with (self.folder / name).open("rb+") as fh:
                os.fsync(fh.fileno())

    def _commit_into(self, dest: Path) -> None:
        """Move every file into ``dest`` (which exists); all or nothing, see the module docstring."""
        aside = self.folder / _ASIDE
        moved_aside: list[str] = []
        placed: list[str] = []
        try:
            for name in self.names:
                if (dest / name).exists() or (dest / name).is_symlink():
                    if not moved_aside:
                        aside.mkdir()
                    if (dest / name).is_dir() and not (dest / name).is_symlink():
                        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(dest / name))
                    os.replace(dest / name, aside / name)
                    moved_aside.append(name)
            for name in self.names:
                os.replace(self.folder / name, dest / name)
                placed.append(name)
        except BaseException:
            for name in placed:
                with contextlib.suppress(OSError):
                    os.replace(dest / name, self.folder / name)
            for name in moved_aside:
                with contextlib.suppress(OSError):
                    os.replace(aside / name, dest / name)
            raise


@contextlib.contextmanager
def staged_output(dest_dir: Path, *, durable: bool = False) -> Iterator[Stage]:
    """Collect an output's files in a temporary folder and move them into ``dest_dir`` at the end.

    ``with staged_output(folder) as stage:`` then write each file to ``stage.path(name)``;
    after the block, ``stage.written`` lists the final paths. When the block (or the move)
    fails, the temporary folder is removed, ``dest_dir`` is left as it was and the exception
    propagates. ``durable`` forces the files to disk before they are moved into place (worth
    it for a single precious file; a batch of payslips that can be written again skips it).
    """
    dest_dir = Path(os.path.abspath(dest_dir))
    new_dest = not dest_dir.exists()
    if not new_dest and not dest_dir.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(dest_dir))
    home = dest_dir.parent if new_dest else dest_dir
    missing: list[Path] = []  # ancestors to create, removed again on failure
    parent = home
    while new_dest and not parent.exists():
        missing.append(parent)
        parent = parent.parent
    made: list[Path] = []
    committed = False
    folder: Path | None = None
    lock_fh: IO[bytes] | None = None
    try:
        for ancestor in reversed(missing):
            ancestor.mkdir()
            made.insert(0, ancestor)
        remove_abandoned_stages(home)
        folder = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=home))  # mode 0o700: the owner only
        _set_hidden(folder, True)
        lock_fh = (folder / _LOCK).open("wb")
        _lock(lock_fh)
        stage = Stage(folder, dest_dir)
        yield stage
        shutil.rmtree(folder / SCRATCH, ignore_errors=True)
        if durable:
            stage._fsync_all()
        lock_fh.close()
        lock_fh = None
        (folder / _LOCK).unlink()
        if new_dest and not dest_dir.exists():
            _set_hidden(folder, False)
            try:
                os.rename(folder, dest_dir)  # keeps the stage's owner-only permissions: payroll data
                committed = True
            except OSError:
                _set_hidden(folder, True)  # e.g. a virus scanner holds a file: move file by file below
        if not committed:
            created = not dest_dir.exists()
            if created:
                dest_dir.mkdir()
            try:
                stage._commit_into(dest_dir)
            except BaseException:
                if created:
                    with contextlib.suppress(OSError):
                        dest_dir.rmdir()
                raise
            committed = True
        stage.written = [dest_dir / name for name in stage.names]
    finally:
        if lock_fh is not None:
            with contextlib.suppress(OSError):
                lock_fh.close()
        if folder is not None and folder.exists() and folder != dest_dir:
            shutil.rmtree(folder, ignore_errors=True)
        if not committed:
            for ancestor in made:
                with contextlib.suppress(OSError):
                    ancestor.rmdir()


def write_output_file(path: Path, write: Callable[[Path], object]) -> Path:
    """Write one file through :func:`staged_output`: ``write(tmp)`` fills it, then it replaces ``path``."""
    path = Path(path)
    with staged_output(path.parent, durable=True) as stage:
        write(stage.path(path.name))
    return stage.written[0]
