"""Plotly figures for project pages, built in Python and rendered without plotly.js (loaded once per page)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from indicators.chart import Chart
from indicators.embed import chart_html
from projects.rules import format_amount

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
PLANNED_COLOR = "#9fb7d9"
COMPLETED_COLOR = "#a61b1b"


@dataclass(frozen=True)
class YearAmounts:
    """The figures of one year as a page counts them (approved, or with pending ones in preview)."""

    year: int
    planned: Decimal | None
    completed: Decimal | None


def investment_figure(rows: Sequence[YearAmounts]) -> Chart:
    """Planned vs completed investment by year, as grouped bars (亿元)."""
    years = [f"{row.year}年" for row in rows]
    fig = Chart()
    for name, values, color in (
        ("年度计划投资", [row.planned for row in rows], PLANNED_COLOR),
        ("完成投资", [row.completed for row in rows], COMPLETED_COLOR),
    ):
        fig.add_bar(
            name=name,
            x=years,
            y=[float(v) if v is not None else None for v in values],
            marker_color=color,
            text=[format_amount(v) if v is not None else "" for v in values],
            textposition="outside",
            hovertemplate="%{x} " + name + "：%{y}亿元<extra></extra>",
        )
    fig.update_layout(
        barmode="group",
        height=340,
        margin={"l": 50, "r": 10, "t": 30, "b": 40},
        yaxis_title="亿元",
        legend={"orientation": "h", "y": 1.12},
        font={"family": "Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, sans-serif"},
        plot_bgcolor="#fff",
        paper_bgcolor="#fff",
    )
    fig.update_yaxes(gridcolor="#e5e7eb", rangemode="tozero")
    return fig


def figure_html(fig: Chart) -> str:
    return chart_html(fig.to_plotly_json(), PLOTLY_CONFIG)
