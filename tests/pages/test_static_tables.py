"""A section's table is converted to Arrow once per place (dialogue.presenter.static_table): what Streamlit
receives the second time is the proto of the first, and tables not marked so are marshalled as usual."""

from __future__ import annotations

import pandas as pd
from streamlit.elements import table as table_element
from streamlit.proto.ArrowData_pb2 import ArrowData as ArrowProto

from dialogue import presenter
from dialogue.sections import Table


def _table(values) -> Table:
    return Table(pd.DataFrame({"name": ["Атырау", "Алматы"], "value": values, "status": ["green", "red"]}),
                 {"name": "Name", "value": "Value"})


def _marshalled(styler, uuid: str) -> bytes:
    proto = ArrowProto()
    table_element.marshall_table(proto, styler, uuid)
    return proto.SerializeToString()


def test_a_marked_table_is_marshalled_once_per_place():
    presenter._keep_marshalled_tables()
    table = _table([1, 2])
    kept = presenter._MARSHALLED[id(table)] = {"styler": presenter._rag_styled(table)}
    styler = kept["styler"]
    styler._dialogue_marshalled = kept
    first = _marshalled(styler, "place-1")
    styler.data.iloc[0, 1] = 99   # changed after the first run: the kept proto is what the second run sends
    assert _marshalled(styler, "place-1") == first
    assert _marshalled(styler, "place-2") != first, "another place is marshalled afresh (its own uuid)"
    assert set(kept) == {"styler", "place-1", "place-2"}
    presenter._MARSHALLED.pop(id(table))


def test_an_unmarked_styler_is_marshalled_every_time():
    presenter._keep_marshalled_tables()
    table = _table([1, 2])
    styler = presenter._rag_styled(table)
    first = _marshalled(styler, "place")
    styler.data.iloc[0, 1] = 99
    assert _marshalled(styler, "place") != first

