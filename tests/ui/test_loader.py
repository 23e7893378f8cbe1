"""The page loader's pieces that need no window."""

from __future__ import annotations

import gc

import pytest

from ui.loader import collector_paused


def test_the_collector_pause_nests_across_reads_and_ends_with_the_last() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # a second read overlapping the first
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first still runs
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a read that fails")
    assert gc.isenabled()
