"""Speed tests located by coordinates (M-Lab, drive tests): each point lands in the district whose shipped
boundary holds it, urban or rural from the place; a point outside Kazakhstan refuses the file and adds
nothing. Tests located by KATO code in a city akimat count as urban too."""

from __future__ import annotations

import time
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dialogue import db, geography, ingest
from tests.factories import add_operators, found, snapshot, write

TODAY = date(2026, 11, 15)
HEADER = "measured_at,latitude,longitude,operator,technology,download_mbps,source"
# (latitude, longitude) → (region, district, urban): city centres and a village far from any town.
PLACES = {
    "Atyrau city": ((47.1067, 51.9033), ("KZ-23", "231000000", True)),
    "Kulsary (a town of Zhylyoi district)": ((46.9530, 54.0190), ("KZ-23", "233600000", True)),
    "Astana, Yesil district": ((51.1280, 71.4300), ("KZ-71", None, True)),
    "Almaty, Medeu district": ((43.2400, 76.9500), ("KZ-75", "751710000", True)),
    "Shymkent": ((42.3170, 69.5900), ("KZ-79", None, True)),
    "Zhezkazgan": ((47.7833, 67.7667), ("KZ-62", None, True)),
    "steppe of Makat district": ((47.3500, 53.1000), ("KZ-23", "235200000", False)),
}


@pytest.fixture
def con(blank_con):
    add_operators(blank_con)
    return blank_con


def rows(points) -> str:
    return "\n".join(f"2026-10-0{i % 9 + 1} 10:00,{lat},{lon},op_a,4g,{10 + i},crowd"
                     for i, (lat, lon) in enumerate(points))


def test_points_land_in_their_regions_and_districts(con, tmp_path):
    points = [p for p, _ in PLACES.values()]
    path = write(tmp_path / "mlab.csv", HEADER + "\n" + rows(points) + "\n")
    report = ingest.ingest(con, "speed_tests", path, loaded_by="t", today=TODAY)
    assert report.status == "loaded", report.text()
    got = con.execute("""select region_code, district_kato, kato, is_rural from speed_test
                         order by download_mbps""").fetchall()
    for (name, (_, (region, district, urban))), (g_region, g_district, g_kato, g_rural) in zip(PLACES.items(), got):
        assert g_region == region, name
        assert g_district is not None and g_kato == g_district, name   # the point's district is its place
        if district:
            assert g_district == district, name
        assert g_rural is (not urban), name
    kinds = dict(con.execute("select district_kato, is_urban from district").fetchall())
    assert all(kinds[d] for _, d, _, r in got if not r and d.startswith(("71", "75", "79")))


def test_a_point_in_moscow_refuses_the_file_and_adds_nothing(con, tmp_path):
    points = [PLACES["Atyrau city"][0], (55.7558, 37.6173), PLACES["Shymkent"][0]]
    before = snapshot(con)
    report = ingest.ingest(con, "speed_tests", write(tmp_path / "drive.csv", HEADER + "\n" + rows(points) + "\n"),
                           loaded_by="t", today=TODAY)
    assert report.status == "rejected"
    assert found(report) == {(3, "latitude, longitude", "outside_kazakhstan")}
    assert report.issues[0].value == "55.7558, 37.6173"
    assert "outside Kazakhstan" in report.text("en") and "row       3" in report.text("en")
    assert snapshot(con) == before


def test_kato_or_both_coordinates(con, tmp_path):
    text = ("measured_at,kato,latitude,longitude,operator,technology,download_mbps,source\n"
            "2026-10-01,231035100,,,op_a,4g,10,crowd\n"              # by KATO code (a village of Atyrau city)
            "2026-10-01,,47.35,53.10,op_a,4g,11,crowd\n"             # by coordinates
            "2026-10-01,,47.35,,op_a,4g,12,crowd\n"                  # half a point
            "2026-10-01,,,,op_a,4g,13,crowd\n"                       # no place at all
            "2026-10-01,999999999,47.35,53.10,op_a,4g,14,crowd\n"    # a wrong code is not hidden by a point
            "2026-10-01,,95,53.10,op_a,4g,15,crowd\n")               # not a latitude
    report = ingest.ingest(con, "speed_tests", write(tmp_path / "mixed.csv", text), loaded_by="t", today=TODAY)
    assert found(report) == {(4, "longitude", "required"), (5, "kato", "no_location"), (6, "kato", "unknown_kato"),
                             (7, "latitude", "above_max")}
    text = "\n".join(text.splitlines()[:3]) + "\n"
    report = ingest.ingest(con, "speed_tests", write(tmp_path / "good.csv", text), loaded_by="t", today=TODAY)
    assert report.status == "loaded", report.text()
    assert con.execute("select kato, district_kato, is_rural from speed_test order by download_mbps").fetchall() == [
        ("231035100", "231000000", False), ("235200000", "235200000", True)]


def test_urban_rural_gap_takes_the_class_from_the_place(con):
    """Tests loaded before (or by the demo) with a village's code in Atyrau's city akimat count as urban."""
    from tests.factories import SPEED_TEST_COLUMNS, add_load

    load = add_load(con, "old")
    for district, rural, speed in (("231000000", True, 100.0), ("231000000", True, 120.0),
                                   ("235200000", True, 10.0), ("233600000", False, 80.0)):
        con.execute(f"insert into speed_test ({SPEED_TEST_COLUMNS}) values ('2026-10-05', ?, 'KZ-23', ?, ?, 'op_a', "
                    "'4g', ?, 1, 20, 'crowd', ?)", [district, district, rural, speed, load])
    gap = db.run(con, "quality/urban_rural_gap", region=None, start_date=date(2026, 10, 1),
                 end_date=date(2026, 11, 1)).set_index("area_code")
    assert (gap.loc["KZ-23", "urban_tests"], gap.loc["KZ-23", "rural_tests"]) == (3, 1)
    assert gap.loc["KZ-23", "urban_median_download_mbps"] == 100 and gap.loc["KZ-23", "rural_median_download_mbps"] == 10


def test_geolocated_tests_load_at_100k_rows_a_second(con, tmp_path):
    n = 300_000
    rng = np.random.default_rng(9)
    s = geography.read_reference("settlements.csv")
    s = s[s.coords_source == "osm"]
    i = rng.integers(0, len(s), n)
    frame = pd.DataFrame({
        "measured_at": "2026-10-05 10:00:00",
        "latitude": np.round(s.lat.astype(float).to_numpy()[i] + rng.normal(0, 0.0005, n), 5),
        "longitude": np.round(s.lon.astype(float).to_numpy()[i] + rng.normal(0, 0.0005, n), 5),
        "operator": "op_a", "technology": "4g", "download_mbps": np.round(rng.lognormal(3.5, 1, n), 2),
        "source": "crowd"})
    path = tmp_path / "points.csv"
    frame.to_csv(path, index=False)
    started = time.perf_counter()
    located = geography.locate(frame.longitude.to_numpy(), frame.latitude.to_numpy(), geography.BORDER_TOLERANCE_DEG)
    locate_rate = n / (time.perf_counter() - started)
    started = time.perf_counter()
    report = ingest.ingest(con, "speed_tests", path, loaded_by="t", today=TODAY)
    rate = n / (time.perf_counter() - started)
    print(f"\n{n:,} geolocated tests: placed at {locate_rate:,.0f} rows/s, validated and loaded at {rate:,.0f} rows/s")
    assert report.status == "loaded", report.text()
    assert (located.district_kato != None).all()  # noqa: E711
    # Where the settlement's own district is known, the point lands there (the gazetteer and the boundaries
    # are separate sources: a handful of border villages may differ).
    agree = (located.district_kato == s.district_kato.to_numpy()[i]).mean()
    assert agree > 0.99
    # The placing itself is what coordinates add; the whole load's rate depends on the machine's load too.
    assert locate_rate > 100_000
