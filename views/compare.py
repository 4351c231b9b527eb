# page: order=8 title=profile.compare_page_title icon=:material/compare_arrows: url=compare
"""Compare: two regions in one period, or one region (or the country) in two periods, side by side on the same
scales, with the differences called out in sentences."""

import streamlit as st

from dialogue import periods, screen, ui
from dialogue.sections import NATIONAL, compare

ctx = screen.context()
st.title(ctx.t("profile.compare_page_title"))
st.caption(ctx.t("profile.compare_subtitle"))

mode = screen.choose(ctx, "cmp_mode", ["regions", "periods"], ctx.t("profile.compare_mode"),
                     lambda m: ctx.t(f"profile.compare_mode_{m}"), segmented=True)
codes = [NATIONAL, *ctx.regions().region_code]


def region_label(code):
    return ctx.region_name(code)


c1, c2 = st.columns(2)
if mode == "regions":
    first = c1.selectbox(ctx.t("profile.compare_first"), codes, key="cmp_a", format_func=region_label,
                         index=codes.index(ctx.region or NATIONAL))
    default_b = "KZ-75" if first != "KZ-75" else "KZ-71"
    second = c2.selectbox(ctx.t("profile.compare_second"), codes, key="cmp_b", format_func=region_label,
                          index=codes.index(default_b))
    a = ctx.with_region(None if first == NATIONAL else first)
    b = ctx.with_region(None if second == NATIONAL else second)
    st.caption(ctx.period.label(ctx.lang))
else:
    first, last, _ = ui.data_span()
    options = [p.key for p in periods.available(ctx.period.kind, first, last)]
    chosen = c1.selectbox(ctx.t("profile.compare_region"), codes, key="cmp_region", format_func=region_label,
                          index=codes.index(ctx.region or NATIONAL))
    before = ctx.period.previous().key if ctx.period.previous().key in options else options[-1]
    other = c2.selectbox(ctx.t("profile.compare_other_period"), options, key="cmp_period",
                         index=options.index(before), format_func=lambda k: periods.parse(k).label(ctx.lang))
    base = ctx.with_region(None if chosen == NATIONAL else chosen)
    a, b = base.with_period(periods.parse(other)), base
    st.caption(ctx.region_name(base.region))

sections = compare.sections(a, b)
screen.show(sections[0], "cmp_differences")
screen.row(sections[1:3], keys=["cmp_kpis", "cmp_complaints"])
screen.row(sections[3:5], keys=["cmp_rollout", "cmp_bottlenecks"])
