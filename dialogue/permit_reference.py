"""The permit clocks' reference data: the stages and their deadlines (data/reference/permit_stages.csv)
and the working-day calendar of Kazakhstan (weekends, public holidays and transferred days off from the
`holidays` package), written into the warehouse so that SQL counts working days with a lookup."""

from __future__ import annotations

import datetime as dt

import duckdb
import holidays
import numpy as np
import pandas as pd

from dialogue import geography

FIRST_YEAR, LAST_YEAR = 2000, 2045


def calendar(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> pd.DataFrame:
    """One row per day: is_working (weekends, holidays and days off transferred onto weekdays are not; a
    Saturday worked in exchange is), the holiday's name, and the working days up to and including it."""
    kz = holidays.country_holidays("KZ", years=range(first_year, last_year + 1))
    stamps = pd.date_range(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31), freq="D")
    days = stamps.date
    # As kz.is_working_day(d) says, for every day at once: a weekend day is worked only when a day off was
    # moved from it; a weekday is worked unless it is a holiday or a day off moved onto it.
    off = pd.Series(days).isin(set(kz.keys())).to_numpy()
    moved_work = pd.Series(days).isin(set(kz.weekend_workdays)).to_numpy()
    weekend = np.isin(stamps.day_of_week, sorted(kz.weekend))
    working = (weekend & moved_work) | (~weekend & ~off)
    frame = pd.DataFrame({"day": days, "is_working": working, "holiday": [kz.get(d) for d in days]})
    frame["working_days"] = frame.is_working.astype(int).cumsum()
    return frame


def stages() -> pd.DataFrame:
    """The stages and their deadlines as shipped, typed."""
    frame = geography.read_reference("permit_stages.csv")
    number = lambda s: pd.to_numeric(s.replace("", None), errors="coerce")  # noqa: E731
    return frame.assign(position=frame.position.astype(int), deadline_days=number(frame.deadline_days).astype("Int64"),
                        silence_is_consent=frame.silence_is_consent == "1",
                        power_from_kw=number(frame.power_from_kw), power_to_kw=number(frame.power_to_kw))


def load(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the stages and the calendar (inside the caller's transaction)."""
    for table, frame in (("permit_stage", stages()), ("work_calendar", calendar())):
        con.execute(f"delete from {table}")   # constant names
        con.register("permit_reference_rows", frame)
        try:
            con.execute(f"insert into {table} by name select * from permit_reference_rows")
        finally:
            con.unregister("permit_reference_rows")
