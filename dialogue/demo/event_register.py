"""The demo's events register: the mass events of dialogue.demo.events (a year back and 30 days ahead, at real
venues), as the `events` dataset would load them: each with its venue's point and radius, its district and region,
in the demo's load of that dataset (so the Data page lists it and marks it demo)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dialogue.demo.events import demo_events


def _event_rows(as_of: dt.date, load_id: int) -> pd.DataFrame:
    """One row per demo event, in start order (their ids follow it)."""
    events = demo_events(as_of)
    return pd.DataFrame({
        "event_id": range(1, len(events) + 1),
        "name": [e.name for e in events],
        "kind": [e.kind for e in events],
        "kato": [e.district_kato for e in events],
        "region_code": ["KZ-" + e.district_kato[:2] for e in events],
        "district_kato": [e.district_kato for e in events],
        "latitude": [e.venue.lat for e in events],
        "longitude": [e.venue.lon for e in events],
        "radius_m": [float(e.radius_m) for e in events],
        "starts_at": [e.starts_at for e in events],
        "ends_at": [e.ends_at for e in events],
        "attendance": [e.attendance for e in events],
        "source": [e.source for e in events],
        "status": "active",
        "version": 1,
        "load_id": load_id,
    })
