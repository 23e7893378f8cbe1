"""The worker processes that render a batch of payslips (:func:`app.reports.payslip.write_payslips`).

Apart from :mod:`app.reports.payslip` and without reportlab, so that the command starts the workers
before it loads reportlab itself: they import it and load the font while it reads the month.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor

# A batch smaller than this is written in this process: starting the workers (a fresh Python
# importing reportlab, ~0.3 s each) costs more than it saves on a few dozen files.
POOL_MIN_FILES = 40


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # Windows, macOS
        return os.cpu_count() or 1


def pool_size(files: int, workers: int | None = None) -> int:
    """How many processes render a batch of ``files`` files; 1 means "in this process".

    ``workers`` ``None`` chooses: every usable core, for a batch of at least
    :data:`POOL_MIN_FILES` files. An explicit number is used as given (tests, benchmarks).
    A frozen (PyInstaller) build uses the pool too: both of its entry scripts (main.py and
    packaging/branchpay_cli.py) call ``multiprocessing.freeze_support`` first, so the executable
    started as a worker runs the worker (packaging/check_frozen.py renders a pooled batch).
    """
    if workers is None:
        if files < POOL_MIN_FILES:
            return 1
        workers = _cpu_count()
    return max(1, min(workers, files))


def worker_started() -> None:
    """Each worker's initializer. Once its work is done, a worker ends without tearing its interpreter
    down: multiprocessing has flushed its results before the interpreter exits, and dismantling
    reportlab and the parsed font module by module cost the batch 0.2 s at its end, which the command
    waited for."""
    import atexit

    atexit.register(os._exit, 0)


def _warm_up(font_path: str, allow_system: bool) -> None:
    """A started worker imports reportlab and the payslip layout and loads the font."""
    import app.reports.payslip  # noqa: F401 - loaded now, not with the first share of the batch
    from app.reports.fonts import cjk_font

    cjk_font(font_path, allow_system=allow_system)


def new_pool(size: int) -> Executor:
    """``size`` spawned worker processes (see :func:`app.reports.payslip._render_in_pool` for why spawn)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=size, mp_context=multiprocessing.get_context("spawn"),
                               initializer=worker_started)


def start_pool(files: int, font_path: str = "", workers: int | None = None) -> Executor | None:
    """The worker processes for a batch of ``files`` files, already starting up (importing
    reportlab, loading the font) while the caller reads the month; ``None`` when the batch is
    rendered in this process. The caller shuts it down (``with``)."""
    size = pool_size(files, workers)
    if size <= 1:
        return None
    pool = new_pool(size)
    for _ in range(size):
        pool.submit(_warm_up, font_path, True)
    return pool
