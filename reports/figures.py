"""Plotly figures, built from the report rows (pure: no queries) and rendered as HTML fragments.

Pages load ``vendor/plotly.min.js`` from our static files once; the fragments never include it
(no CDN: the district network may have no internet).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import plotly.graph_objects as go

from reports.context import ContextTableRows

FONT = "Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
CONFIG = {"displaylogo": False, "responsive": True, "locale": "zh-CN"}
PALETTE = ["#a61b1b", "#0b5394", "#e69138", "#6aa84f", "#674ea7", "#45818e"]

# Verdict colours match static/css/app.css (--best, --good, --bad, --none, --warn).
STATUS_COLOURS = {
    "exceeded": "#0b5394",
    "on_track": "#1e7b34",
    "assigned_met": "#1e7b34",
    "behind": "#b3261e",
    "assigned_missed": "#b3261e",
    "no_data": "#9aa3ae",
    "pending": "#c58a00",
}


def render(fig: go.Figure, *, div_id: str | None = None) -> str:
    """The figure as an HTML fragment that uses the page's own copy of plotly.js."""
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG, div_id=div_id))


def _layout(fig: go.Figure, *, title: str = "", height: int = 340, unit: str = "") -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.02, "font": {"size": 15}} if title else None,
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 48, "r": 16, "t": 44 if title else 16, "b": 40},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        legend={"orientation": "h", "y": -0.18, "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(showline=True, linecolor="#c3cad3", gridcolor="#eef1f5")
    fig.update_yaxes(gridcolor="#eef1f5", zerolinecolor="#c3cad3", ticksuffix=unit if unit == "%" else "")
    return fig


def _floats(values: Sequence[Decimal]) -> list[float]:
    return [float(v) for v in values]


def context_figure(block: ContextTableRows) -> go.Figure:
    """图1–图4: lines over years, or bars per region for a single year."""
    fig = go.Figure()
    unit = f"（{block.unit}）" if block.unit else ""
    if block.chart_kind == "line":
        for i, series in enumerate(block.chart):
            fig.add_trace(
                go.Scatter(
                    x=list(series.years),
                    y=_floats(series.values),
                    name=series.region,
                    mode="lines+markers",
                    line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
                    hovertemplate=f"{series.region} %{{x}}年：%{{y}}{block.unit}<extra></extra>",
                )
            )
        fig.update_xaxes(dtick=1 if len(block.years) <= 8 else 2)
    else:
        names = [s.region for s in block.chart]
        values = [float(s.values[-1]) if s.values else None for s in block.chart]
        fig.add_trace(
            go.Bar(
                x=names,
                y=values,
                marker={"color": [PALETTE[0]] + [PALETTE[1]] * (len(names) - 1)},
                text=[f"{v:g}" if v is not None else "" for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{x}}：%{{y}}{block.unit}<extra></extra>",
            )
        )
    return _layout(fig, title=f"图{block.number}  {block.figure_title}{unit}", unit=block.unit)
