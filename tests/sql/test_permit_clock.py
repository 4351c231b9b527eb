"""Permit clocks pinned on hand-made rows: working days that skip weekends, 16 December and Nauryz, power
bands, a return that stops the clock and a resubmission that resumes it, past the clock and deemed-approval
candidates, and the what-if figures (each desk kept to its deadline; deemed approval)."""

from datetime import date

import pandas as pd
import pytest

from dialogue import db, permit_reference


def add_permit(con, site, stage, submitted, decided=None, outcome=None, resubmitted=None, power_kw=None,
               region="KZ-19", item=None, note=None):
    kato = region.replace("KZ-", "") + "0000000"
    con.execute("insert into permit values (?, 'op_a', ?, ?, null, ?, 'Desk', ?, ?, ?, ?, ?, ?, ?, 1)",
                [site, kato, region, stage, submitted, decided, outcome, resubmitted, power_kw, item, note])


def stage_row(con, site, stage, as_of):
    frame = con.execute("select * from permit_stage_clock(?) where site_ref = ? and stage = ?",
                        [as_of, site, stage]).df()
    assert len(frame) == 1
    return frame.iloc[0]


def test_the_calendar_knows_kazakhstans_holidays_and_transferred_days():
    cal = permit_reference.calendar(2024, 2026).set_index("day")
    assert not cal.loc[date(2026, 12, 16), "is_working"]            # Independence Day, a Wednesday
    assert "Independence" in cal.loc[date(2026, 12, 16), "holiday"]
    for day in (date(2026, 3, 23), date(2026, 3, 24), date(2026, 3, 25)):  # Nauryz, and its days off moved
        assert not cal.loc[day, "is_working"]                          # from the weekend of 21-22 March
    assert cal.loc[date(2026, 3, 26), "is_working"]
    assert not cal.loc[date(2024, 5, 8), "is_working"]              # a day off transferred from Saturday 4 May
    assert cal.loc[date(2024, 5, 4), "is_working"]                  # ... which was worked instead
    assert not cal.loc[date(2026, 12, 12), "is_working"]            # a Saturday
    # Working days in (10 Dec, 28 Dec 2026]: 12 weekdays less 16 December.
    assert cal.loc[date(2026, 12, 28), "working_days"] - cal.loc[date(2026, 12, 10), "working_days"] == 11


def test_a_working_day_deadline_skips_independence_day(blank_con):
    con = blank_con
    add_permit(con, "S-DEC", "sanitary", date(2026, 12, 10))          # 10 working days, silence is consent
    row = stage_row(con, "S-DEC", "sanitary", date(2026, 12, 28))
    assert row.due_on.date() == date(2026, 12, 25)                   # 24 Dec without the holiday
    assert row.clock_days == 11 and row.authority_days == 18
    assert row.state == "pending" and row.past_clock and row.deemed_candidate
    assert row.past_clock_days == 3 and row.pending_age_days == 18
    on_the_day = stage_row(con, "S-DEC", "sanitary", date(2026, 12, 25))
    assert on_the_day.clock_days == 10 and not on_the_day.past_clock and not on_the_day.deemed_candidate


def test_power_conditions_take_their_band_and_nauryz_is_skipped(blank_con):
    con = blank_con
    add_permit(con, "S-NAU", "power_conditions", date(2026, 3, 19), date(2026, 4, 2), "approved", power_kw=15)
    add_permit(con, "S-BIG", "power_conditions", date(2026, 3, 19), date(2026, 4, 2), "approved", power_kw=500)
    small = stage_row(con, "S-NAU", "power_conditions", date(2026, 5, 1))
    assert small.deadline_days == 5 and small.due_on.date() == date(2026, 3, 31)
    assert small.clock_days == 7 and small.authority_days == 14 and small.decided_late
    assert small.kept_authority_days == 12 and small.kept_saving_days == 2
    big = stage_row(con, "S-BIG", "power_conditions", date(2026, 5, 1))
    assert big.deadline_days == 10 and big.due_on.date() == date(2026, 4, 7) and not big.decided_late
    assert big.kept_saving_days == 0 and not big.past_clock      # decided: never past the clock


def test_a_return_stops_the_clock_and_a_resubmission_resumes_it(blank_con):
    con = blank_con
    add_permit(con, "S-APZ", "apz", date(2026, 6, 1), date(2026, 6, 5), "returned", date(2026, 6, 19), note="plan")
    add_permit(con, "S-APZ", "apz", date(2026, 6, 19), date(2026, 7, 10), "approved")
    row = stage_row(con, "S-APZ", "apz", date(2026, 8, 1))
    # Working days: 4 in the first round, 14 in the second (6 July, Capital Day, skipped).
    assert row.clock_days == 18 and row.rounds == 2 and row.returns == 1
    assert row.authority_days == 25 and row.applicant_days == 14 and row.stage_days == 39
    assert row.state == "approved" and row.decided_late
    assert row.kept_authority_days == 14            # the second round stops at 29 June: 6 working days left
    assert row.kept_saving_days == 11 and row.deemed_saving_days == 11
    # While the application is with the applicant the desk's clock stands still.
    paused = stage_row(con, "S-APZ", "apz", date(2026, 6, 15))
    assert paused.state == "returned" and paused.clock_days == 4 and paused.applicant_days == 10
    assert not paused.past_clock


def test_a_resubmission_without_its_next_row_restarts_the_clock_on_that_day(blank_con):
    con = blank_con
    add_permit(con, "S-RE", "grid_connection", date(2026, 1, 10), date(2026, 1, 20), "returned", date(2026, 2, 1))
    row = stage_row(con, "S-RE", "grid_connection", date(2026, 3, 3))
    assert row.state == "pending" and row.rounds == 2
    assert row.clock_days == 10 + 30 and row.applicant_days == 12
    assert row.due_on.date() == date(2026, 2, 21) and row.past_clock and not row.deemed_candidate
    assert row.past_clock_days == 10


def test_what_if_every_desk_kept_its_deadline_and_with_deemed_approval(blank_con):
    con = blank_con
    # Grid connection (30 calendar days): returned late on day 40, resubmitted 10 days later, approved in 10.
    add_permit(con, "S-1", "grid_connection", date(2026, 1, 10), date(2026, 2, 19), "returned", date(2026, 3, 1))
    add_permit(con, "S-1", "grid_connection", date(2026, 3, 1), date(2026, 3, 11), "approved")
    add_permit(con, "S-1", "on_air", date(2026, 3, 11), date(2026, 3, 21), "approved")
    grid = stage_row(con, "S-1", "grid_connection", date(2026, 4, 1))
    assert (grid.authority_days, grid.applicant_days, grid.clock_days) == (50, 10, 50)
    assert grid.kept_authority_days == 30 and grid.kept_saving_days == 20   # the second round is past the clock
    assert grid.deemed_days == 30 and grid.deemed_saving_days == 30         # no late return, no pause
    site = con.execute("select * from permit_sites(?)", [date(2026, 4, 1)]).df().iloc[0]
    assert site.is_on_air and site.end_to_end_days == 70
    assert site.authority_days == 50                # the operator's own stage is not an authority's time
    assert site.kept_saving_days == 20 and site.deemed_saving_days == 30
    figures = db.run(con, "permits/what_if", region=None, end_date=date(2026, 5, 1), as_of_date=date(2026, 4, 1))
    by = figures.set_index("scenario")
    assert by.loc["actual", "median_days"] == 70
    assert by.loc["kept", "median_days"] == 50
    assert by.loc["deemed", "median_days"] == 40
    assert by.loc["actual", "sites"] == 1


def test_decisions_after_the_day_are_not_known_on_it(blank_con):
    con = blank_con
    add_permit(con, "S-LATE", "land_request", date(2026, 11, 2), date(2026, 11, 30), "refused", note="no plot")
    row = stage_row(con, "S-LATE", "land_request", date(2026, 11, 20))
    assert row.state == "pending" and pd.isna(row.decided_on)
    assert row.clock_days == 14 and row.past_clock


@pytest.mark.parametrize("stage", ["land_request", "works_notice", "power_conditions", "on_air"])
def test_every_stage_has_a_source(blank_con, stage):
    rows = blank_con.execute("select source, day_kind from permit_stage where stage = ?", [stage]).fetchall()
    assert rows and all(source for source, _ in rows)
