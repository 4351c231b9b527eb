"""Ookla open-data tiles as published: a generated world file (over two million zoom-16 tiles, a few hundred
in Kazakhstan) loads exactly the Kazakh tiles, each in its district; the quarter and fixed/mobile come from
the file name or from options; CSV works like Parquet; bad values name their row; the quality page's query
weights the tiles' averages by their tests and keeps the minimum sample."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute  # noqa: F401 (pa.compute)
import pyarrow.parquet as pq
import pytest

from dialogue import db, geography, ingest
from dialogue.ingest import tiles
from tests.factories import snapshot

TODAY = date(2026, 11, 15)
WORLD_TILES = 2_000_000
NAME = "2026-07-01_performance_fixed_tiles.parquet"
# Cities just outside Kazakhstan but inside its bounding box: their tiles must be dropped.
NEIGHBOURS = {"Tashkent": (69.24, 41.30), "Bishkek": (74.59, 42.87), "Omsk": (73.37, 54.98),
              "Orenburg": (55.10, 51.77), "Barnaul": (83.77, 53.35), "Yining": (81.30, 43.91), "Nukus": (59.60, 42.46)}


def tile_xy(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    z = 2 ** tiles.ZOOM
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    s = np.sin(np.radians(lat))
    return (np.floor((lon + 180) / 360 * z).astype(np.int64),
            np.floor((0.5 - np.log((1 + s) / (1 - s)) / (4 * np.pi)) * z).astype(np.int64))


def quadkeys(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Zoom-16 quadkeys of tiles x, y, vectorised."""
    bits = np.arange(tiles.ZOOM - 1, -1, -1)
    digits = (((x[:, None] >> bits) & 1) | (((y[:, None] >> bits) & 1) << 1)).astype(np.uint8) + 48
    return np.ascontiguousarray(digits).view(f"S{tiles.ZOOM}").ravel().astype(str)


def text_column(keys: np.ndarray) -> pa.Array:
    """Strings to Arrow quickly (fixed-width bytes, not numpy unicode)."""
    return pa.array(np.char.encode(keys, "ascii") if keys.dtype.kind == "U" else keys, pa.binary()).cast(pa.string())


def kazakh_tiles() -> tuple[np.ndarray, np.ndarray]:
    """Three tiles at each district's label point (the reference's point inside the district): quadkeys and
    the district each must land in, known from data/reference, not from the code under test."""
    d = geography.read_reference("districts.csv")
    d = d[d.has_boundary == "1"]
    x, y = tile_xy(d.label_lon.astype(float), d.label_lat.astype(float))
    keys = np.concatenate([quadkeys(x, y + dy) for dy in (0, 1, -1)])
    return keys, np.tile(d.district_kato.to_numpy(), 3)


def world_table(n: int, seed: int = 11) -> tuple[pa.Table, dict[str, str]]:
    """n unique tiles: random ones far from Kazakhstan, some in the neighbouring cities, and the Kazakh ones
    (in a shuffled order); returns the table and {quadkey: district} of the Kazakh tiles."""
    rng = np.random.default_rng(seed)
    kz_keys, kz_districts = kazakh_tiles()
    near = []
    for lon, lat in NEIGHBOURS.values():
        x, y = tile_xy(lon, lat)
        near.append(quadkeys(x + np.repeat(np.arange(-5, 5), 10), y + np.tile(np.arange(-5, 5), 10)))
    near = np.concatenate(near)
    z = 2 ** tiles.ZOOM
    far_x = rng.integers(0, z, 2 * n)
    far_y = rng.integers(int(0.05 * z), int(0.8 * z), 2 * n)
    lon = (far_x + 0.5) / z * 360 - 180
    lat = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * (far_y + 0.5) / z))))
    away = (lon < 45) | (lon > 89) | (lat < 39.5) | (lat > 56.5)
    cell = np.sort(far_x[away] * z + far_y[away])
    cell = cell[np.r_[True, cell[1:] != cell[:-1]]]    # unique (faster than np.unique)
    cell = cell[rng.permutation(len(cell))[: n - len(kz_keys) - len(near)]]   # spread over the world
    keys = np.concatenate([quadkeys(cell // z, cell % z), near, kz_keys]).astype(f"S{tiles.ZOOM}")
    order = rng.permutation(len(keys))
    keys = keys[order]
    m = len(keys)
    wkt = pa.array(["POLYGON((71.4 51.1, 71.41 51.1, 71.41 51.09, 71.4 51.09, 71.4 51.1))"])
    table = pa.table({
        "quadkey": text_column(keys),
        "tile": pa.DictionaryArray.from_arrays(pa.array(np.zeros(m, np.int32)), wkt),
        "avg_d_kbps": rng.integers(1_000, 300_000, m), "avg_u_kbps": rng.integers(500, 100_000, m),
        "avg_lat_ms": rng.integers(4, 120, m), "tests": rng.integers(1, 60, m), "devices": rng.integers(1, 20, m),
    })
    return table, dict(zip(kz_keys.tolist(), kz_districts.tolist()))


@pytest.fixture(scope="session")
def world_file(tmp_path_factory) -> tuple[Path, dict[str, str], int]:
    """The generated world file, written once per session (do not change it)."""
    table, expected = world_table(WORLD_TILES + 1_000)
    path = tmp_path_factory.mktemp("tiles") / NAME
    pq.write_table(table, path, row_group_size=250_000)
    return path, expected, table.num_rows


@pytest.fixture
def con(blank_con):
    return blank_con


def test_quadkey_centres_and_prefixes():
    # Astana's tile: its centre lies within the tile, ~600 m across.
    x, y = tile_xy([71.43], [51.13])
    lon, lat = tiles.tile_centres(quadkeys(x, y))
    assert abs(lon[0] - 71.43) < 0.006 and abs(lat[0] - 51.13) < 0.004
    prefixes = tiles.quadkey_prefixes(geography.boundaries().bounds)
    assert 100 < len(prefixes) < 1_000 and quadkeys(x, y)[0][: tiles.PREFIX_ZOOM] in prefixes
    london = quadkeys(*tile_xy([-0.12], [51.5]))[0]
    assert london[: tiles.PREFIX_ZOOM] not in prefixes
    assert tiles.file_name_facts("2026-07-01_performance_mobile_tiles.parquet") == (date(2026, 7, 1), "mobile")
    assert tiles.file_name_facts("2026-08-01_performance_fixed_tiles.csv") == (None, "fixed")
    assert [tiles.parse_quarter(q) for q in ("2026-Q3", "2026q1", "2026-10", "2026-10-01", "2026-11", "Q3")] == \
        [date(2026, 7, 1), date(2026, 1, 1), date(2026, 10, 1), date(2026, 10, 1), None, None]


def test_the_world_file_loads_exactly_the_kazakh_tiles_each_in_its_district(con, world_file):
    path, expected, rows = world_file
    assert rows >= 2_000_000 and 300 <= len(expected) <= 1_000
    started = time.perf_counter()
    report = ingest.ingest(con, "speed_tiles", path, loaded_by="tester", today=TODAY)
    seconds = time.perf_counter() - started
    print(f"\n{rows:,} world tiles read, {report.rows:,} kept in Kazakhstan, in {seconds:.1f} s")
    assert report.status == "loaded", report.text()
    assert report.scanned_rows == rows and report.rows == len(expected)
    assert report.file_format == "parquet" and "tiles read" in report.text("en")
    loaded = dict(con.execute("select quadkey, district_kato from speed_tile").fetchall())
    assert loaded == expected
    assert con.execute("select distinct quarter, tile_type from speed_tile").fetchall() == [(date(2026, 7, 1), "fixed")]
    # Figures as published, each row with its own numbers; regions follow the districts.
    mismatched = con.execute("""select count(*) from speed_tile t
                                join read_parquet($path) f on f.quadkey = t.quadkey
                                where (f.avg_d_kbps, f.avg_u_kbps, f.avg_lat_ms, f.tests, f.devices, f.tile)
                                      is distinct from (t.avg_d_kbps, t.avg_u_kbps, t.avg_lat_ms, t.tests, t.devices,
                                                        t.tile)""", {"path": str(path)}).fetchone()[0]
    assert mismatched == 0
    regions = geography.read_reference("districts.csv").set_index("district_kato").region_code
    loaded_regions = dict(con.execute("select district_kato, any_value(region_code) from speed_tile group by 1"
                                      ).fetchall())
    assert loaded_regions == {d: regions[d] for d in loaded_regions}
    assert seconds < 60, f"{seconds:.1f} s"

    # The same file again adds nothing; the same quarter's tiles in another file are refused as duplicates.
    before = snapshot(con)
    again = ingest.ingest(con, "speed_tiles", path, loaded_by="tester", today=TODAY)
    assert again.status == "already_loaded"
    whole = pq.read_table(path)
    small = whole.filter(pa.compute.is_in(whole["quadkey"], pa.array(sorted(expected)[:5])))
    dup = path.parent / "2026-07-01_performance_fixed_tiles_again.parquet"
    pq.write_table(small, dup)
    report = ingest.ingest(con, "speed_tiles", dup, loaded_by="tester", today=TODAY)
    assert report.status == "rejected" and {i.reason for i in report.issues} == {"duplicate_in_warehouse"}
    assert len(report.issues) == 5
    assert con.execute("select count(*) from speed_tile").fetchone()[0] == len(expected)
    assert {k: v for k, v in snapshot(con).items() if k != "speed_tile"} == before


def small_tiles(path: Path, rows: list[tuple], csv: bool = False) -> Path:
    table = pa.table({"quadkey": [r[0] for r in rows], "tile": ["POLYGON((0 0,1 0,1 1,0 0))"] * len(rows),
                      "avg_d_kbps": [r[1] for r in rows], "avg_u_kbps": [r[2] for r in rows],
                      "avg_lat_ms": [r[3] for r in rows], "tests": [r[4] for r in rows],
                      "devices": [r[5] for r in rows]})
    if csv:
        table.to_pandas().to_csv(path, index=False)
    else:
        pq.write_table(table, path)
    return path


ASTANA = quadkeys(*tile_xy([71.43], [51.13]))[0]
ATYRAU = quadkeys(*tile_xy([51.92], [47.11]))[0]
MOSCOW = quadkeys(*tile_xy([37.62], [55.75]))[0]


def test_options_name_the_quarter_and_type_and_csv_reads_like_parquet(con, tmp_path):
    rows = [(ASTANA, 120_000, 40_000, 12, 40, 9), (MOSCOW, 90_000, 30_000, 20, 10, 3),
            (ATYRAU, 80_000.5, None, None, 5, None)]
    unnamed = small_tiles(tmp_path / "tiles.parquet", rows)
    report = ingest.ingest(con, "speed_tiles", unnamed, loaded_by="t", today=TODAY)
    assert report.status == "rejected"
    assert {(i.column, i.reason) for i in report.issues} == {("quarter", "tiles_no_quarter"),
                                                             ("tile_type", "tiles_no_type")}
    bad = ingest.ingest(con, "speed_tiles", unnamed, loaded_by="t", today=TODAY,
                        options={"quarter": "2026-11", "tile_type": "fixed"})
    assert [(i.column, i.reason) for i in bad.issues] == [("quarter", "tiles_bad_quarter")]
    report = ingest.ingest(con, "speed_tiles", unnamed, loaded_by="t", today=TODAY,
                           options={"quarter": "2026-Q2", "tile_type": "mobile"})
    assert report.status == "loaded", report.text()
    assert (report.scanned_rows, report.rows) == (3, 2)
    got = con.execute("""select quarter, tile_type, quadkey, region_code, district_kato, is_rural, avg_d_kbps,
                                avg_u_kbps, avg_lat_ms, tests, devices from speed_tile order by quadkey""").fetchall()
    assert got == sorted([
        (date(2026, 4, 1), "mobile", ASTANA, "KZ-71", "711210000", False, 120_000.0, 40_000.0, 12.0, 40, 9),
        (date(2026, 4, 1), "mobile", ATYRAU, "KZ-23", "231000000", False, 80_000.5, None, None, 5, None)],
        key=lambda r: r[2])

    # The same tiles as CSV, named as Ookla names its files: fixed, 2026-Q3.
    csv = small_tiles(tmp_path / "2026-07-01_performance_fixed_tiles.csv", rows, csv=True)
    report = ingest.ingest(con, "speed_tiles", csv, loaded_by="t", today=TODAY)
    assert report.status == "loaded" and report.file_format == "csv" and report.rows == 2, report.text()
    assert con.execute("select count(*) from speed_tile where quarter = '2026-07-01' and tile_type = 'fixed'"
                       ).fetchone()[0] == 2
    # A rollback takes the tiles away again.
    assert ingest.rollback(con, report.load_id, by="t") == 2


def test_bad_values_name_their_rows_and_change_nothing(con, tmp_path):
    rows = [(ASTANA, -5, 1, 10, 3, 1), ("12345", 100, 1, 10, 3, 1), (ATYRAU, 100, 1, 10, 2.5, 1),
            (MOSCOW, -1, -1, -1, -1, -1)]   # Moscow's figures are wrong too, but its tile is not ours
    path = small_tiles(tmp_path / "2026-04-01_performance_mobile_tiles.parquet", rows)
    before = snapshot(con)
    report = ingest.ingest(con, "speed_tiles", path, loaded_by="t", today=TODAY)
    assert report.status == "rejected"
    assert {(i.row, i.column, i.reason) for i in report.issues} == {(2, "quadkey", "bad_quadkey")}
    rows[1] = (quadkeys(*tile_xy([76.95], [43.24]))[0], 100, 1, 10, 3, 1)   # Almaty
    report = ingest.ingest(con, "speed_tiles", small_tiles(path, rows), loaded_by="t", today=TODAY)
    assert {(i.row, i.column, i.reason) for i in report.issues} == {(1, "avg_d_kbps", "below_min"),
                                                                    (3, "tests", "not_whole")}
    future = small_tiles(tmp_path / "2027-01-01_performance_fixed_tiles.parquet", rows[1:2])
    assert [i.reason for i in ingest.ingest(con, "speed_tiles", future, loaded_by="t", today=TODAY).issues] == \
        ["future_date"]
    nowhere = small_tiles(tmp_path / "2026-04-01_performance_fixed_tiles.parquet", rows[3:])
    assert [i.reason for i in ingest.ingest(con, "speed_tiles", nowhere, loaded_by="t", today=TODAY).issues] == \
        ["tiles_none_in_kazakhstan"]
    assert snapshot(con) == before


def add_tile(con, quadkey, district, region, kbps, tests, quarter=date(2026, 7, 1), tile_type="fixed", load_id=1):
    con.execute("insert into speed_tile values (?, ?, ?, null, 0, 0, ?, ?, false, ?, ?, 20, ?, 1, ?)",
                [quarter, tile_type, quadkey, region, district, kbps, kbps / 2, tests, load_id])


def test_tiles_by_source_weights_by_tests_and_keeps_the_minimum_sample(con):
    con.execute("update kpi_definition set min_tests = 30 where kpi_code = 'fixed_median_download_mbps'")
    add_tile(con, "1" * 16, "231000000", "KZ-23", 100_000, 30)      # 100 Mbit/s over 30 tests
    add_tile(con, "2" * 16, "231000000", "KZ-23", 200_000, 10)      # 200 Mbit/s over 10 tests
    add_tile(con, "3" * 16, "233600000", "KZ-23", 50_000, 29)       # too few tests on its own
    add_tile(con, "0" * 16, "711210000", "KZ-71", 300_000, 5, tile_type="mobile")   # other kind: ignored
    add_tile(con, "1" * 16, "231000000", "KZ-23", 1_000, 1000, quarter=date(2026, 4, 1))  # other quarter
    oct_ = dict(start_date=date(2026, 10, 1), end_date=date(2026, 11, 1), tile_type="fixed")
    by_district = db.run(con, "quality/tiles_by_source", region="KZ-23", **oct_).set_index("area_code")
    # No Q4 tiles yet: the latest quarter before the period's end stands in.
    assert by_district.quarter_from.iloc[0].date() == date(2026, 7, 1) == by_district.quarter_to.iloc[0].date()
    assert by_district.loc["231000000", "tile_download_mbps"] == pytest.approx((100 * 30 + 200 * 10) / 40)
    assert (by_district.loc["231000000", "tile_tests"], by_district.loc["231000000", "tiles"]) == (40, 2)
    assert np.isnan(by_district.loc["233600000", "tile_download_mbps"])
    assert by_district.loc["233600000", "tile_tests"] == 29
    assert by_district.loc["KZ-23", "level"] == "region"
    assert by_district.loc["KZ-23", "tile_download_mbps"] == pytest.approx((3000 + 2000 + 50 * 29) / 69)
    year = db.run(con, "quality/tiles_by_source", region=None, start_date=date(2026, 1, 1),
                  end_date=date(2027, 1, 1), tile_type="fixed").set_index("area_code")
    assert (year.quarter_from.iloc[0].date(), year.quarter_to.iloc[0].date()) == (date(2026, 4, 1), date(2026, 7, 1))
    assert year.loc["KZ", "tile_tests"] == 1069 and year.loc["KZ-71", "tiles"] == 0
    assert len(year) == 21


def test_the_world_file_with_a_bad_quadkey_far_away_is_refused(con, tmp_path):
    table, _ = world_table(20_000, seed=5)
    keys = table["quadkey"].to_pylist()
    far = next(i for i, k in enumerate(keys) if k[: tiles.PREFIX_ZOOM] not in
               set(tiles.quadkey_prefixes(geography.boundaries().bounds)))
    keys[far] = "0123"
    table = table.set_column(0, "quadkey", pa.array(keys))
    path = tmp_path / NAME
    pq.write_table(table, path)
    report = ingest.ingest(con, "speed_tiles", path, loaded_by="t", today=TODAY)
    assert [(i.row, i.reason) for i in report.issues] == [(far + 1, "bad_quadkey")]


def test_data_page_offers_tiles_with_their_options(small_copy, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dialogue import auth
    from tests.conftest import ROOT

    users = tmp_path / "users.json"
    auth.add_user("reg.tiles", "regulator", "a long enough password", path=users)
    monkeypatch.setenv("DIALOGUE_DB", str(small_copy))
    monkeypatch.setenv("DIALOGUE_USERS", str(users))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"lang": "ru"})
    at.session_state["_auth_username"] = "reg.tiles"
    at.run()
    at.switch_page("views/data.py")
    at.run()
    at.selectbox(key="data_upload_dataset").set_value("speed_tiles").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_input(key="data_upload_quarter").label.startswith("Квартал")
    captions = " ".join(c.value for c in at.caption)
    assert "2026-07-01_performance_fixed_tiles.parquet" in captions
    # The dictionary lists the tiles' columns, described in the page's language.
    at.selectbox(key="data_dictionary_pick").set_value("speed_tiles").run()
    assert not at.exception
