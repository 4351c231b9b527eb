"""ui.settle_heap: once per process, the objects of the modules the pages draw with are frozen, so that a full
garbage collection no longer walks them (it took 60–90 ms of a warm view on the large warehouse)."""

from __future__ import annotations

import gc
import sys
import weakref

from dialogue import ui


def test_the_section_modules_are_imported_and_frozen():
    gc.unfreeze()
    try:
        ui.settle_heap.__wrapped__()   # the function itself, not the once-per-process cache
        assert "dialogue.sections.quality" in sys.modules and "plotly.graph_objects" in sys.modules
        assert gc.get_freeze_count() > 10_000
        # A frozen object is in no generation a collection walks.
        module_dict = vars(sys.modules["dialogue.sections.quality"])
        assert not any(o is module_dict for generation in range(3) for o in gc.get_objects(generation))
    finally:
        gc.unfreeze()


def test_objects_made_later_are_still_collected():
    gc.unfreeze()
    try:
        ui.settle_heap.__wrapped__()

        class Node:
            pass

        a, b = Node(), Node()
        a.other, b.other = b, a        # a cycle only the collector can free
        freed = weakref.ref(a)
        del a, b
        gc.collect()
        assert freed() is None
    finally:
        gc.unfreeze()
