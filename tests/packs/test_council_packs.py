"""Every pack for a Council in one command: questions asked once and shared by languages and regions,
`--region every`, and the Packs page's offer to a signed-in user. (The index and the zip of a run on two
worker processes are checked in test_briefing_packs.py, on the packs written there.)"""

from __future__ import annotations

from functools import partial

import pytest

from dialogue import cli, db, geography, periods
from dialogue.packs import council
from dialogue.sections import Context
from tests.apps import add, app, sign_in, texts
from tests.conftest import AS_OF

LANGS = ("kk", "en")
PERIOD = "2026-Q3"


def test_languages_and_regions_share_their_questions(small_con):
    """Two regions' packs in two languages: each (question, its parameters) is asked once; the second
    language asks nothing new, and the second region only its own questions, not the country's."""
    from dialogue.packs import build

    asked, plain = [], []

    def counting(name, **params):
        asked.append((name, tuple(sorted((k, params.get(k)) for k in db.declared_parameters(name)))))
        return db.run(small_con, name, **params)

    def one_by_one(name, **params):
        plain.append(name)
        return db.run(small_con, name, **params)

    shared, period = council.memoised(counting), periods.parse(PERIOD)
    new_questions = {}
    for region in ("KZ-23", "KZ-71"):
        for lang in LANGS:
            before = len(asked)
            build(Context(region, period, lang, AS_OF, shared), is_demo=True)
            new_questions[region, lang] = len(asked) - before
            build(Context(region, period, lang, AS_OF, one_by_one), is_demo=True)
    assert len(asked) == len(set(asked)), "a question was asked twice with the same parameters"
    assert new_questions[("KZ-23", "en")] == new_questions[("KZ-71", "en")] == 0
    assert 0 < new_questions[("KZ-71", "kk")] < new_questions[("KZ-23", "kk")]
    assert len(plain) > 1.9 * len(asked), "one by one, each language asks its questions again"


def test_a_memoised_answer_is_not_changed_by_its_reader(small_con):
    run = council.memoised(partial(db.run, small_con))
    first = run("geography/regions")
    first["extra"] = 1
    first.iloc[0, 0] = "changed"
    again = run("geography/regions")
    assert "extra" not in again.columns and again.iloc[0, 0] != "changed"


def test_every_means_the_country_and_the_twenty_regions(small_db, tmp_path, monkeypatch, capsys):
    seen = {}

    def fake_write_all(path, regions, langs, out, period, as_of, formats, workers=None, progress=None):
        seen.update(regions=regions, langs=langs, workers=workers)
        return {"packs": [], "index": str(out / "index.html"), "zip": str(out / "x.zip"), "seconds": 0.0}

    monkeypatch.setattr(council, "write_all", fake_write_all)
    assert cli.main(["--db", str(small_db), "brief", "--region", "every", "--lang", "kk,ru,en", "--out",
                     str(tmp_path), "--workers", "3"]) == 0
    codes = list(geography.read_reference("regions.csv").region_code)
    assert seen == {"regions": [None, *codes], "langs": ["kk", "ru", "en"], "workers": 3} and len(codes) == 20


@pytest.mark.parametrize("lang", ["de", "ru,xx", ","])
def test_brief_refuses_unknown_languages(small_db, tmp_path, capsys, lang):
    assert cli.main(["--db", str(small_db), "brief", "--region", "KZ-23", "--lang", lang,
                     "--out", str(tmp_path)]) == 1
    assert "unknown language" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_packs_page_offers_every_pack_to_a_signed_in_user(small_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DIALOGUE_USERS", str(tmp_path / "users.json"))
    add("viewer1", "viewer")
    at = app(small_db, monkeypatch, "views/packs.py", lang="en")
    assert not at.exception
    assert "packs_council" not in [b.key for b in at.button]
    assert "Sign in to build every pack" in texts(at.info)
    at = sign_in(at, "viewer1")
    assert not at.exception
    assert "packs_council" in [b.key for b in at.button]
    assert "Sign in to build every pack" not in texts(at.info)
