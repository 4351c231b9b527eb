"""What a newcomer would find odd, mended: complaint counts of regions of different size compared per 10,000
people; no "oldest 0 days" said of no open bottleneck; every region's label on the shared screen's bar charts."""

from __future__ import annotations

import pandas as pd
import pytest

from dialogue import charts, i18n
from dialogue.sections import compare, profile


def test_regions_of_different_size_compare_complaints_per_10k(make_ctx):
    a, b = make_ctx("KZ-23", "2026-10", "en"), make_ctx("KZ-75", "2026-10", "en")
    people = a.regions().set_index("region_code").population
    assert people["KZ-75"] > 2.5 * people["KZ-23"], "Almaty is about three times Atyrau"
    months_a, months_b = profile.complaint_months(a), profile.complaint_months(b)
    count_a = int(months_a[months_a.in_period].complaints.sum())
    count_b = int(months_b[months_b.in_period].complaints.sum())
    summary = compare.differences(a, b).summary
    rate_a = a.number(count_a / people["KZ-23"] * 10_000, 2)
    rate_b = a.number(count_b / people["KZ-75"] * 10_000, 2)
    assert f"per 10,000 people in the period: Atyrau {rate_a} (complaints: {a.number(count_a)};" in summary, summary
    assert f"Almaty (city) {rate_b} (complaints: {a.number(count_b)};" in summary, summary
    section = compare.complaints(a, b)
    assert section.title == i18n.t("profile.compare_complaints_per_10k_title", "en")
    drawn = {trace.name: list(trace.y) for trace in section.figure.data}
    assert drawn["Atyrau"][-1] == pytest.approx(months_a.sort_values("month").complaints.iloc[-1]
                                                / people["KZ-23"] * 10_000)


def test_one_region_in_two_periods_keeps_its_counts(make_ctx):
    a, b = make_ctx("KZ-23", "2026-09", "en"), make_ctx("KZ-23", "2026-10", "en")
    summary = compare.differences(a, b).summary
    assert "Complaints in the period:" in summary and "per 10,000" not in summary
    assert compare.complaints(a, b).title == i18n.t("profile.compare_complaints_title", "en")


@pytest.mark.parametrize("lang,none", [("en", "none"), ("ru", "нет"), ("kk", "жоқ")])
def test_no_open_bottleneck_is_said_plainly(make_ctx, monkeypatch, lang, none):
    a, b = make_ctx("KZ-19", "2026-10", lang), make_ctx("KZ-23", "2026-10", lang)
    real = profile.open_bottlenecks
    monkeypatch.setattr(profile, "open_bottlenecks",
                        lambda ctx, *args: real(ctx, *args).head(0) if ctx.region == "KZ-23" else real(ctx, *args))
    line = next(x for x in compare.differences(a, b).summary.splitlines()
                if x.startswith("- " + i18n.t("profile.diff_bottlenecks_sides", lang).split("{")[0].strip()))
    assert line.rstrip(".").endswith(none), line
    assert " 0 " not in line and "(0" not in line, line
    oldest = int(real(a).age_days.max())
    assert a.number(oldest) in line


def test_the_shared_screen_names_all_20_regions():
    from dialogue import presenter

    names = [f"Region number {i}" for i in range(20)]
    fig = charts.bar(pd.DataFrame({"name": names, "value": range(20)}), "name", "value", "ru", horizontal=True)
    big = presenter._big(fig)
    assert list(big.layout.yaxis.tickvals) == names and list(big.layout.yaxis.ticktext) == names
    # Room for every label in the slide's type: at least one label height per region.
    assert big.layout.height >= 20 * (presenter.SLIDE_FONT - 4)


def test_no_fixed_line_anywhere_is_said_plainly(make_ctx):
    from dataclasses import replace

    from dialogue.sections import business

    ctx = make_ctx("KZ-61", "2026-10", "ru")
    real = ctx.run

    def without_fixed(name, **params):
        frame = real(name, **params)
        if "connection" in frame.columns and "share_pct" in frame.columns:
            frame = frame.assign(share_pct=frame.share_pct.where(frame.connection != "fixed", 0.0))
        return frame

    built = business.connections(replace(ctx, run=without_fixed), "firm_size")
    assert built.summary == i18n.t("business.summary_mix_no_fixed", "ru"), built.summary
    assert "(0 %)" not in (built.summary or "")
