"""Mass events of the demo: a year of holidays, concerts, matches, a forum and a marathon in Astana, Almaty
and Shymkent, and the coming ones (30 days after as_of), each at a real venue.

The list is the contract between two parts of the demo: the events register is filled from it, and the
speed tests near each venue slow down while it runs (some operators more than others), so that the event
report finds the drops and the quiet weeks before find nothing. Times are local (UTC+5), as the register
keeps them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# How much of its usual download speed each operator keeps near the venue while a crowd is there (1.0 = none
# lost): op_a strains, op_b holds up at the small events and not at the big ones, op_c holds up.
STRAIN_BIG = {"op_a": 0.45, "op_b": 0.65, "op_c": 0.9}
STRAIN_SMALL = {"op_a": 0.6, "op_b": 0.9, "op_c": 0.95}


@dataclass(frozen=True)
class Venue:
    name: str
    district_kato: str
    lat: float
    lon: float


ASTANA_ARENA = Venue("Astana Arena", "711510000", 51.1083, 71.4024)
BARYS_ARENA = Venue("Barys Arena", "711510000", 51.1085, 71.3947)
PALACE_OF_INDEPENDENCE = Venue("Palace of Independence", "711210000", 51.1204, 71.4306)
BAITEREK = Venue("Baiterek", "711210000", 51.1283, 71.4304)
EXPO = Venue("EXPO", "711210000", 51.0893, 71.4146)
ALMATY_CENTRAL_STADIUM = Venue("Central Stadium, Almaty", "751410000", 43.2367, 76.9182)
REPUBLIC_SQUARE = Venue("Republic Square, Almaty", "751410000", 43.2383, 76.9456)
MEDEU = Venue("Medeu", "751710000", 43.1572, 77.0586)
SHYMKENT_STADIUM = Venue("Kazhymukan Stadium, Shymkent", "791310000", 42.3155, 69.5963)


@dataclass(frozen=True)
class DemoEvent:
    event_ref: str          # stable reference, e.g. "E-2026-0706-BAITEREK"
    name: str               # as the organiser would type it (Kazakh or Russian)
    kind: str               # concert, sport, holiday, forum, other
    venue: Venue
    radius_m: int
    starts_at: dt.datetime  # local time, UTC+5
    ends_at: dt.datetime
    attendance: int
    source: str
    keeps: dict[str, float] = field(default_factory=dict)   # operator -> share of usual download kept

    @property
    def district_kato(self) -> str:
        return self.venue.district_kato


@dataclass(frozen=True)
class _Yearly:
    """An event on the same day every year (month, day), from start_hour for hours (may run past midnight)."""
    name: str
    kind: str
    venue: Venue
    radius_m: int
    month: int
    day: int
    start_hour: int
    hours: int
    attendance: int
    source: str
    big: bool


YEARLY = (
    _Yearly("Медеу: мұз фестивалі", "concert", MEDEU, 1500, 2, 14, 18, 4, 10_000, "Akimat of Almaty (demo)", False),
    _Yearly("Наурыз мейрамы, Астана", "holiday", EXPO, 2500, 3, 22, 12, 10, 60_000, "Akimat of Astana (demo)", True),
    _Yearly("Наурыз мейрамы, Алматы", "holiday", REPUBLIC_SQUARE, 2500, 3, 22, 11, 10, 80_000,
            "Akimat of Almaty (demo)", True),
    _Yearly("Наурыз мейрамы, Шымкент", "holiday", SHYMKENT_STADIUM, 2500, 3, 22, 11, 10, 50_000,
            "Akimat of Shymkent (demo)", True),
    _Yearly("Алматы марафоны", "sport", REPUBLIC_SQUARE, 4000, 4, 20, 7, 7, 20_000, "Organiser (demo)", False),
    _Yearly("Astana International Forum", "forum", PALACE_OF_INDEPENDENCE, 1500, 5, 29, 9, 10, 5_000,
            "Ministry (demo)", False),
    _Yearly("День столицы: концерт у Байтерека", "holiday", BAITEREK, 2500, 7, 6, 18, 6, 150_000,
            "Akimat of Astana (demo)", True),
    _Yearly("Концерт на Астана Арене", "concert", ASTANA_ARENA, 1500, 8, 12, 19, 4, 30_000, "Organiser (demo)", True),
    _Yearly("Шымкент күні", "holiday", SHYMKENT_STADIUM, 2000, 9, 20, 18, 4, 25_000, "Akimat of Shymkent (demo)",
            True),
    _Yearly("Матч сборной Казахстана, Астана Арена", "sport", ASTANA_ARENA, 1500, 10, 10, 19, 3, 28_000,
            "Football federation (demo)", True),
    _Yearly("Тәуелсіздік күні, Астана", "holiday", BAITEREK, 2500, 12, 16, 17, 6, 100_000,
            "Akimat of Astana (demo)", True),
    _Yearly("Новогодняя ночь на площади Республики", "holiday", REPUBLIC_SQUARE, 2500, 12, 31, 22, 4, 50_000,
            "Akimat of Almaty (demo)", True),
)


@dataclass(frozen=True)
class _Monthly:
    """A match on the same day of the month in the months of its season."""
    name: str
    venue: Venue
    months: tuple[int, ...]
    day: int
    attendance: int
    source: str


MONTHLY = (
    _Monthly("Кайрат – домашний матч, Центральный стадион", ALMATY_CENTRAL_STADIUM, (4, 5, 6, 7, 8, 9, 10, 11), 14,
             23_000, "Club (demo)"),
    _Monthly("Барыс – домашний матч", BARYS_ARENA, (1, 2, 3, 9, 10, 11, 12), 5, 11_000, "Club (demo)"),
)


def demo_events(as_of: dt.date) -> list[DemoEvent]:
    """The demo's events starting in [as_of - 365 days, as_of + 30 days), in start order."""
    first, last = as_of - dt.timedelta(days=365), as_of + dt.timedelta(days=30)
    out = []
    for year in range(first.year, last.year + 1):
        for e in YEARLY:
            start = dt.datetime(year, e.month, e.day, e.start_hour)
            out.append(DemoEvent(
                f"E-{year}-{e.month:02d}{e.day:02d}-{e.venue.district_kato[:2]}", e.name, e.kind, e.venue,
                e.radius_m, start, start + dt.timedelta(hours=e.hours), e.attendance, e.source,
                dict(STRAIN_BIG if e.big else STRAIN_SMALL)))
        for e in MONTHLY:
            for month in e.months:
                start = dt.datetime(year, month, e.day, 19)
                out.append(DemoEvent(
                    f"E-{year}-{month:02d}{e.day:02d}-{e.venue.district_kato[:2]}", e.name, "sport", e.venue,
                    1500, start, start + dt.timedelta(hours=3), e.attendance, e.source, dict(STRAIN_SMALL)))
    return sorted((e for e in out if first <= e.starts_at.date() < last), key=lambda e: (e.starts_at, e.event_ref))
