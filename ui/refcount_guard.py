"""A guard against a reference-count bug of PySide6 6.12.0 on Python 3.11.

On Python 3.11 every call of a Qt method that returns nothing (``setText``, ``setChecked``,
``processEvents`` …) gives back one reference to ``None`` that it never took, and some calls do
the same to ``True``/``False``. ``None`` starts with a few thousand references, so after some
thousands of such calls — a few screens' worth of work — Python aborts with "Fatal Python error:
none_dealloc" (or ``bool_dealloc``), taking the window and anything unsaved with it.

From Python 3.12 these objects are immortal and the bug is harmless; 6.12.0 is the only release
whose QtPdf add-on is available, so the app cannot move to another PySide6 yet. Until then this
module keeps the three objects' counts far from zero: :func:`top_up` holds extra references in a
list whenever a count falls below :data:`FLOOR`. It costs 8 bytes per leaked reference (about
8 MB for a million Qt calls) and nothing at all on Python 3.12 and later. The main window calls it
once a second; the tests call it around each test.
"""

from __future__ import annotations

import sys

FLOOR = 1_000_000
NEEDED = sys.version_info < (3, 12)
_held: list[object] = []
if NEEDED:
    import ctypes

    # The list itself is never freed, not even when Python shuts down: freeing it would hand back
    # its references while the ones Qt took are still missing, and the count would fall to zero
    # at exit instead.
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(_held))


def top_up() -> int:
    """Give None, True and False back the references Qt took; returns how many were added."""
    if not NEEDED:
        return 0
    added = 0
    for obj in (None, True, False):
        short = FLOOR - sys.getrefcount(obj)
        if short > 0:
            more = short + FLOOR  # well above the floor, so this runs rarely
            _held.extend([obj] * more)
            added += more
    return added
