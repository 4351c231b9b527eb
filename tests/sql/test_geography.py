"""Reference geography and the warehouse schema: codes join, sizes stay small, nothing is lost."""

import json

from dialogue import db
from dialogue.db import REFERENCE


def test_twenty_regions_keyed_on_kato(blank_con):
    rows = blank_con.execute("select region_code, kato2, kato from region order by 1").fetchall()
    assert len(rows) == 20
    assert all(code == f"KZ-{k2}" and kato.startswith(k2) and len(kato) == 9 for code, k2, kato in rows)
    assert blank_con.execute("select sum(population) from region").fetchone()[0] == 19_765_004


def test_regions_have_names_in_three_languages(blank_con):
    missing = blank_con.execute("""select count(*) from region where coalesce(name_kk, '') = ''
                                   or coalesce(name_ru, '') = '' or coalesce(name_en, '') = ''""").fetchone()[0]
    assert missing == 0
    assert blank_con.execute("select name_kk from region where region_code = 'KZ-23'").fetchone()[0] == "Атырау облысы"


def test_districts_join_and_those_without_a_polygon_still_exist(blank_con):
    assert blank_con.execute("select count(*) from district").fetchone()[0] == 228
    orphans = blank_con.execute("select count(*) from district d anti join region r using (region_code)").fetchone()[0]
    assert orphans == 0
    no_polygon = {r[0] for r in blank_con.execute("select district_kato from district where not has_boundary").fetchall()}
    assert {"615500000", "635500000", "636300000", "711610000"} == no_polygon  # Sauran, Markakol, Ulken Naryn, Saraishyq
    # Reconciled codes (SOURCES.txt): Zhanasemey and Satpaev carry their KATO 2025 codes and polygons.
    assert blank_con.execute("select count(*) from district where district_kato in ('104100000', '622000000') "
                             "and has_boundary").fetchone()[0] == 2
    assert blank_con.execute("select count(*) from district where label_lon is null").fetchone()[0] == 0


def test_settlements_belong_to_districts_and_villages_match_the_published_count(blank_con):
    assert blank_con.execute("select count(*) from settlement s anti join district d using (district_kato)").fetchone()[0] == 0
    assert blank_con.execute("select count(*) from settlement where is_village").fetchone()[0] == 6179
    lon, lat = blank_con.execute("select min(lon), max(lat) from settlement").fetchone()
    assert 45 < lon and lat < 56  # inside Kazakhstan's bounding box


def test_boundaries_are_small_and_keyed_on_codes(blank_con):
    assert (REFERENCE / "regions.geojson").stat().st_size < 300_000
    assert (REFERENCE / "districts.geojson").stat().st_size < 800_000
    regions = {f["id"] for f in json.loads((REFERENCE / "regions.geojson").read_text(encoding="utf-8"))["features"]}
    assert regions == {r[0] for r in blank_con.execute("select region_code from region").fetchall()}
    districts = {f["id"] for f in json.loads((REFERENCE / "districts.geojson").read_text(encoding="utf-8"))["features"]}
    assert districts == {r[0] for r in blank_con.execute("select district_kato from district where has_boundary").fetchall()}


def test_sources_keep_attribution():
    text = (REFERENCE / "SOURCES.txt").read_text(encoding="utf-8")
    for needle in ("CC BY 4.0", "ODbL", "KATO", "BNS"):
        assert needle in text


def test_migrations_are_recorded_and_idempotent(blank_con):
    versions = [r[0] for r in blank_con.execute("select version from schema_version order by 1").fetchall()]
    assert versions == [v for v, _, _ in db.migrations()]
    assert db.migrate(blank_con) == []  # nothing left to apply


def test_kpi_targets_are_data(blank_con):
    target = blank_con.execute("select national_target from kpi_definition where kpi_code = 'median_download_mbps'").fetchone()[0]
    assert target == 100
    assert blank_con.execute("select count(distinct region_code) from kpi_threshold").fetchone()[0] == 20
