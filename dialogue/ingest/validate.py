"""Validate the staged rows in DuckDB SQL: types, allowed values, limits, KATO codes and operators, rules
across columns, duplicates within the file and against the warehouse, the uploader's own operator / region.
Every finding has row, column, value and reason; at most MAX_ISSUES are listed, all are counted per
(column, reason). Generated SQL takes identifiers from dialogue.datasets only; every value is a $param."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pyarrow as pa

from dialogue import auth, datasets
from dialogue.ingest.report import MAX_ISSUES, Issue, Report

TS_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M",
              "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%d.%m.%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S"]
# A timestamp given with its UTC offset ('+03:00', '+0300') or 'Z' (UTC) is converted once, here, to Kazakhstan
# local time, UTC+5 (one time zone for the whole country since 1 March 2024): the warehouse keeps naive
# local timestamps, so that an hour of the day means the same for every row (busy hours, events).
TZ_FORMATS = [f + "%z" for f in TS_FORMATS if "%H" in f]
LOCAL_UTC_OFFSET_HOURS = 5
MONTH_FORMATS = ["%Y-%m", "%m.%Y"]
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
# '1 500,5' and '1500.5' are numbers; '1,500.5', 'nan', '1e3', '0x10' are not (ambiguous or not a figure).
_NUMBER = r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)"
_SPACES = r"[\s\x{00A0}\x{202F}]"
_WHITESPACE = " \t\r\n\u00a0"
# Control characters and the invisible bidirectional overrides that make text read differently.
_CONTROL = r"[\x00-\x1f\x7f\x{200E}\x{200F}\x{202A}-\x{202E}\x{2066}-\x{2069}]"
_CONTROL_MULTILINE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x{200E}\x{200F}\x{202A}-\x{202E}\x{2066}-\x{2069}]"
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_TYPE_REASON = {"number": "not_a_number", "integer": "not_a_number", "timestamp": "not_a_date", "date": "not_a_date",
                "month": "not_a_month", "flag": "not_a_flag", "choice": "not_allowed", "multi": "not_allowed",
                "kato": "unknown_kato", "operator": "unknown_operator"}


class _Sql:
    """Generated SQL and its parameters: identifiers come from dialogue.datasets, every value is a $param."""

    def __init__(self) -> None:
        self.params: dict = {}

    def p(self, name: str, value) -> str:
        self.params[name] = value
        return f"${name}"

    def used(self, *sqls: str) -> dict:
        text = "\n".join(sqls)
        return {k: v for k, v in self.params.items() if re.search(rf"\${k}\b", text)}


def _typed_expr(c: datasets.Column, v: str, sql: _Sql) -> str:
    """SQL turning the trimmed text v of a column into its typed value (NULL when it does not parse)."""
    if c.type in ("number", "integer"):
        num = f"{v}__num"
        return (f"case when regexp_full_match({num}, {sql.p('number_re', _NUMBER)}) "
                f"then replace({num}, ',', '.')::double end")
    if c.type == "timestamp":
        # A naive timestamp is local time already; one with an offset or 'Z' becomes UTC (epoch microseconds),
        # then local time.
        # Offsets run from -12:00 to +14:00: a larger one is a typing error, not a place.
        zoned = (f"case when not regexp_matches({v}, '[+-](1[5-9]|[2-9][0-9]):?[0-9][0-9]$') then "
                 f"try_strptime(regexp_replace({v}, '[Zz]$', '+00:00'), {sql.p('tz_formats', TZ_FORMATS)}) end")
        return (f"coalesce(try_strptime({v}, {sql.p('ts_formats', TS_FORMATS)}), make_timestamp(epoch_us({zoned}))"
                f" + to_hours({sql.p('utc_offset_hours', LOCAL_UTC_OFFSET_HOURS)}))")
    if c.type == "date":
        return f"try_strptime({v}, {sql.p('ts_formats', TS_FORMATS)})::date"
    if c.type == "month":
        ts = f"try_strptime({v}, {sql.p('ts_formats', TS_FORMATS)})"
        return (f"coalesce(try_strptime({v}, {sql.p('month_formats', MONTH_FORMATS)}), "
                f"case when {ts} = date_trunc('month', {ts}) then {ts} end)::date")
    if c.type == "flag":
        return f"case {v} when '1' then true when '0' then false end"
    if c.type == "choice":
        return f"case when list_contains({sql.p('allowed_' + c.name, list(c.allowed))}, lower({v})) then lower({v}) end"
    if c.type == "multi":
        parts = f"list_sort(list_distinct([lower(trim(x)) for x in regexp_split_to_array({v}, '[;,]') if trim(x) <> '']))"
        return (f"case when len([x for x in {parts} if not list_contains({sql.p('allowed_' + c.name, list(c.allowed))}, x)])"
                f" = 0 then array_to_string({parts}, ';') end")
    return v   # id, text; kato and operator are resolved by joins


def _build_typed(ds: datasets.Dataset, present: set[str], table_columns: set[str], sql: _Sql,
                 points: bool = False) -> str:
    """SQL creating ingest_typed: every column raw and typed, places and operators resolved. With points,
    a row without a KATO code takes the district of its coordinates (temp table ingest_points)."""
    ws = sql.p("ws", _WHITESPACE)
    trimmed = [f"nullif(trim({c.name}, {ws}), '') as {c.name}" if c.name in present else f"null::varchar as {c.name}"
               for c in ds.columns]
    numeric = [f"regexp_replace({c.name}, {sql.p('spaces', _SPACES)}, '', 'g') as {c.name}__num"
               for c in ds.columns if c.type in ("number", "integer")]
    select = ["t.row_no"]
    for c in ds.columns:
        select.append(f"t.{c.name} as {c.name}__raw")
        if c.type == "kato" and points:
            # A row with a KATO code keeps the place its code names; one without takes its point's district.
            select += ["case when t.kato is null then pt.pt_district else p.kato end as kato",
                       "case when t.kato is null then pt.pt_region else p.region_code end as region_code",
                       "case when t.kato is null then pt.pt_district else p.district_kato end as district_kato",
                       "pt.pt_district is null and pt.row_no is not null and not pt.pt_in_country as pt_outside",
                       "pt.pt_district is null and pt.pt_in_country as pt_no_district"]
            if "is_rural" in table_columns:
                select.append("case when t.kato is null then pt.pt_rural else p.is_rural end as is_rural")
        elif c.type == "kato":
            select += ["p.kato", "p.region_code", "p.district_kato"]
            if "is_rural" in table_columns:
                select.append("p.is_rural")
        elif c.type == "operator":
            select.append("o.operator_code")
        elif points and c.name in ("latitude", "longitude"):
            select.append(f"pt.{c.name[:3]} as {c.name}")     # read once, by _place_points
        else:
            select.append(f"{_typed_expr(c, 't.' + c.name, sql)} as {c.name}")
    types = {c.type for c in ds.columns}
    joins = "\n".join(j for t, j in (("kato", "left join ingest_places p on p.kato = t.kato"),
                                      ("operator", "left join ingest_operators o on o.k = lower(t.operator)"),
                                      ("points", "left join ingest_points pt on pt.row_no = t.row_no"))
                      if t in types or (t == "points" and points))
    return f"""
        create or replace temp table ingest_typed as
        with trimmed as (select row_no, {', '.join(trimmed)} from ingest_raw),
        t as (select *{''.join(', ' + n for n in numeric)} from trimmed)
        select {', '.join(select)}
        from t
        {joins}"""


def _typed_name(c: datasets.Column) -> str:
    return "operator_code" if c.type == "operator" else c.name


def _checks(ds: datasets.Dataset, user: auth.User | None, today: date, sql: _Sql) -> list[str]:
    """One SELECT per check, each giving (row_no, ord, column_name, value, reason, detail)."""
    out = []

    def add(ord_: int, column: str, value: str, reason: str, where: str, detail: str = "null") -> None:
        out.append(f"select row_no, {ord_} as ord, {sql.p(f'col_{len(out)}', column)} as column_name, "
                   f"{value} as value, '{reason}' as reason, {detail} as detail from ingest_typed where {where}")

    for i, c in enumerate(ds.columns):
        raw, typed = f"{c.name}__raw", _typed_name(c)
        if c.required:
            add(i, c.name, "null", "required", f"{raw} is null")
        if c.type in _TYPE_REASON:
            detail = sql.p(f"allowed_text_{c.name}", ", ".join(c.allowed)) if c.allowed else "null"
            add(i, c.name, raw, _TYPE_REASON[c.type], f"{raw} is not null and {typed} is null", detail)
        if c.type in ("number", "integer"):
            if c.minimum is not None:
                lo = sql.p(f"min_{c.name}", c.minimum)
                reason, op = ("not_above_min", "<=") if c.above_minimum else ("below_min", "<")
                add(i, c.name, raw, reason, f"{typed} {op} {lo}", sql.p(f"min_text_{c.name}", _fmt(c.minimum)))
            if c.maximum is not None:
                add(i, c.name, raw, "above_max", f"{typed} > {sql.p(f'max_{c.name}', c.maximum)}",
                    sql.p(f"max_text_{c.name}", _fmt(c.maximum)))
        if c.type == "integer":
            add(i, c.name, raw, "not_whole", f"{typed} <> round({typed})")
        if c.type in ("timestamp", "date", "month"):
            day = f"{typed}::date"
            add(i, c.name, raw, "date_out_of_range",
                f"{day} < {sql.p('earliest', EARLIEST)} or {day} > {sql.p('latest', LATEST)}")
            if not c.future_ok:
                limit = sql.p("this_month", today.replace(day=1)) if c.type == "month" else sql.p("today", today)
                add(i, c.name, raw, "future_date", f"{day} > {limit}")
        if c.type in ("id", "text"):
            if c.max_length:
                add(i, c.name, raw, "too_long", f"length({raw}) > {sql.p(f'len_{c.name}', c.max_length)}",
                    sql.p(f"len_text_{c.name}", str(c.max_length)))
            pattern = sql.p("control_multi" if c.multiline else "control", _CONTROL_MULTILINE if c.multiline else _CONTROL)
            add(i, c.name, raw, "control_chars", f"regexp_matches({raw}, {pattern})")

    position = {c.name: i for i, c in enumerate(ds.columns)}
    if ds.coordinates:
        # A row is placed by its KATO code or by both coordinates; a point must lie in a district.
        add(position["kato"], "kato", "null", "no_location",
            "kato__raw is null and latitude__raw is null and longitude__raw is null")
        for one, other in (("latitude", "longitude"), ("longitude", "latitude")):
            add(position[one], one, "null", "required", f"{one}__raw is null and {other}__raw is not null")
        point = "concat(latitude__raw, ', ', longitude__raw)"
        add(position["latitude"], "latitude, longitude", point, "outside_kazakhstan", "pt_outside")
        add(position["latitude"], "latitude, longitude", point, "no_district", "pt_no_district")
    for rule in ds.rules:
        a, b = rule.column, rule.other
        op, reason = ("<", "before_other") if rule.kind == "not_before" else (">", "above_other")
        add(position[a], a, f"{a}__raw", reason, f"{a} {op} {b}", sql.p(f"other_{a}", b))

    if ds.key:
        keys = [_typed_name(ds.column(k)) for k in ds.key]
        label = sql.p("key_label", ", ".join(ds.key))
        value = "concat_ws(' | ', " + ", ".join(f"{k}__raw" for k in ds.key) + ")"
        present = " and ".join(f"{k} is not null" for k in keys)
        out.append(f"""select row_no, {position[ds.key[0]]} as ord, {label} as column_name, value,
                              'duplicate_in_file' as reason, first_row::varchar as detail
                       from (select row_no, {value} as value,
                                    min(row_no) over (partition by {', '.join(keys)}) as first_row
                             from ingest_typed where {present})
                       where row_no > first_row""")
        on = " and ".join(f"w.{k} = t.{k}" for k in keys)
        out.append(f"""select t.row_no, {position[ds.key[0]]} as ord, {label} as column_name,
                              any_value(concat_ws(' | ', {', '.join(f't.{k}__raw' for k in ds.key)})) as value,
                              'duplicate_in_warehouse' as reason, min(w.load_id)::varchar as detail
                       from ingest_typed t join {ds.table} w on {on}
                       group by t.row_no""")

    if ds.name in ROW_GROUP_CHECKS:      # checks across the rows of one record (a site's permit stages)
        out += ROW_GROUP_CHECKS[ds.name](position, sql.p)

    # An operator uploads only its own rows; an akimat only its own region's.
    if user is not None and user.role == "operator" and "operator" in position:
        own = sql.p("own_operator", user.operator_code or "")
        add(position["operator"], "operator", "operator__raw", "not_your_operator",
            f"operator_code is not null and operator_code <> {own}", own)
    if user is not None and user.role == "akimat" and "kato" in position:
        own = sql.p("own_region", user.region_code or "")
        add(position["kato"], "kato", "kato__raw", "not_your_region",
            f"region_code is not null and region_code <> {own}", own)
    return out


def _permit_checks(position: dict[str, int], param) -> list[str]:
    from dialogue.ingest import permits

    return permits.checks(position, param)


def _event_checks(position: dict[str, int], param) -> list[str]:
    from dialogue.ingest import events

    return events.checks(position, param)


# Dataset → its checks across rows, each a SELECT of (row_no, ord, column_name, value, reason, detail).
ROW_GROUP_CHECKS = {"permits": _permit_checks, "events": _event_checks}


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


# The class of a place: a settlement by its type, except that anything in a city or town akimat (or a
# republican city) is urban; a rural district or an oblast as a whole has no class. The most specific unit
# wins where a code is both a region and its city district (Astana, Almaty …).
PLACES_SQL = """
    create or replace temp table ingest_places as
    with units as (
        select kato, 1 as rank, region_code, district_kato, settlement_type = 'rural' as rural from settlement
        union all
        select district_kato, 2, region_code, district_kato, case when is_urban then false end from district
        union all
        select kato, 3, region_code, null, case when is_city then false end from region
    )
    select u.kato, arg_min(u.region_code, u.rank) as region_code, arg_min(u.district_kato, u.rank) as district_kato,
           arg_min_null(case when d.is_urban then false else u.rural end, u.rank) as is_rural
    from units u
    left join district d using (district_kato)
    group by u.kato"""


def validate(cur, ds: datasets.Dataset, report: Report, user: auth.User | None, today: date | None = None) -> None:
    """Type every value and record every finding in ingest_issues; list the first MAX_ISSUES."""
    cur.execute(PLACES_SQL)
    # Operators by code or name, case-insensitively; a name two operators share matches neither.
    cur.execute("""create or replace temp table ingest_operators as
                   select k, any_value(operator_code) as operator_code from (
                       select lower(operator_code) as k, operator_code from operator
                       union select lower(name), operator_code from operator)
                   group by k having count(distinct operator_code) = 1""")
    table_columns = {r[0] for r in cur.execute(
        "select column_name from duckdb_columns() where table_name = ? and schema_name = 'main' and not internal",
        [ds.table]).fetchall()}
    sql = _Sql()
    if ds.coordinates:
        _place_points(cur, ds, set(report.columns), sql)
    typed = _build_typed(ds, set(report.columns), table_columns, sql, points=ds.coordinates)
    cur.execute(typed, sql.used(typed))
    find_issues(cur, ds, report, user, today, sql)


def _place_points(cur, ds: datasets.Dataset, present: set[str], sql: _Sql) -> None:
    """Temp table ingest_points: for each row with both coordinates (read as the typed columns read them),
    the district whose shipped boundary holds the point, its region, urban or rural, in Kazakhstan or not."""
    from dialogue import geography

    columns = {c.name: c for c in ds.columns}
    ws, spaces = sql.p("ws", _WHITESPACE), sql.p("spaces", _SPACES)
    raw = [f"regexp_replace(nullif(trim({n}, {ws}), ''), {spaces}, '', 'g') as {n}__num" if n in present
           else f"null::varchar as {n}__num" for n in ("latitude", "longitude")]
    text = f"""select row_no, {_typed_expr(columns['latitude'], 'latitude', sql)} as lat,
                      {_typed_expr(columns['longitude'], 'longitude', sql)} as lon
               from (select row_no, {', '.join(raw)} from ingest_raw)
               where latitude__num is not null or longitude__num is not null"""
    rows = cur.execute(text, sql.used(text)).fetchnumpy()
    lat, lon = (np.ma.filled(rows[k].astype(float), np.nan) for k in ("lat", "lon"))
    ok = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)       # NaN (missing, not a number) is not ok
    found = geography.locate(lon[ok], lat[ok], geography.BORDER_TOLERANCE_DEG)
    n = len(lat)
    # Districts travel as indexes into the boundaries' codes (Arrow dictionaries): no string per row.
    b = geography.boundaries()
    index = np.full(n, -1, dtype=np.int32)
    index[ok] = found.index
    rural = np.zeros(n, dtype=bool)
    rural[ok] = found.is_rural
    in_country = np.zeros(n, dtype=bool)
    in_country[ok] = found.in_country

    def coded(values) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(pa.array(index, mask=index < 0), pa.array(list(values), pa.string()))

    points = pa.table({"row_no": rows["row_no"], "lat": pa.array(lat, mask=np.isnan(lat)),
                       "lon": pa.array(lon, mask=np.isnan(lon)),
                       "pt_district": coded(b.codes), "pt_region": coded(b.region),
                       "pt_rural": pa.array(rural, mask=~ok), "pt_in_country": pa.array(in_country, mask=~ok)})
    cur.register("ingest_points_arrow", points)
    try:
        cur.execute("""create or replace temp table ingest_points as
                       select row_no, lat, lon, pt_district::varchar as pt_district, pt_region::varchar as pt_region,
                              pt_rural, pt_in_country
                       from ingest_points_arrow""")
    finally:
        cur.unregister("ingest_points_arrow")


def find_issues(cur, ds: datasets.Dataset, report: Report, user: auth.User | None, today: date | None = None,
                sql: _Sql | None = None) -> None:
    """Run every check on ingest_typed into ingest_issues: totals per (column, reason), the first MAX_ISSUES."""
    today = today or date.today()
    sql = sql or _Sql()
    checks = _checks(ds, user, today, sql)
    issues = "create or replace temp table ingest_issues as\n" + "\nunion all\n".join(checks)
    cur.execute(issues, sql.used(issues))
    totals = cur.execute("""select column_name, reason,
                                   case when count(distinct detail) = 1 then any_value(detail) end, count(*)
                            from ingest_issues
                            group by all order by min(ord), min(row_no), reason""").fetchall()
    report.totals += [("error", col, reason, detail or "", n) for col, reason, detail, n in totals]
    listed = cur.execute("""select row_no, column_name, value, reason, detail from ingest_issues
                            order by row_no, ord, reason limit $n""", {"n": MAX_ISSUES}).fetchall()
    report.issues += [Issue(int(r), col, "" if v is None else str(v)[:1000], reason, d or "")
                      for r, col, v, reason, d in listed]
