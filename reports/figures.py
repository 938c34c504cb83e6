"""Plotly figures, built from the report rows (pure: no queries) and rendered as HTML fragments.

Pages load ``vendor/plotly.min.js`` from our static files once; the fragments never include it
(no CDN: the district network may have no internet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from indicators import targets as tk
from indicators.chart import Chart, trace
from indicators.embed import chart_html
from indicators.evaluation import Target
from indicators.periods import Period
from reports.context import ContextTableRows
from reports.rows import AppendixRow, ValueCell

FONT = "Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
# No mode bar: leaders read on phones, where plotly's zoom/pan toolbar covers the chart.
CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}
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
    "stale": "#6b5b95",
}


def render(fig: Chart, *, div_id: str | None = None) -> str:
    """The figure as an HTML fragment drawn by the page's own plotly.js (no inline script: see indicators.embed)."""
    return chart_html(fig.to_plotly_json(), CONFIG, div_id=div_id)


def _layout(fig: Chart, *, title: str = "", height: int = 340, unit: str = "") -> Chart:
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


def context_figure(block: ContextTableRows) -> Chart:
    """图1–图4: lines over years, or bars per region for a single year."""
    fig = Chart()
    unit = f"（{block.unit}）" if block.unit else ""
    if block.chart_kind == "line":
        for i, series in enumerate(block.chart):
            fig.add_trace(
                trace(
                    "scatter",
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
            trace(
                "bar",
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


# ---- dashboard ------------------------------------------------------------------------------------


def progress_figure(time_pct: Decimal, task_pct: Decimal) -> Chart:
    """时间进度 against 任务进度 (share of indicators on track): 双过半 at a glance."""
    task_colour = STATUS_COLOURS["on_track"] if task_pct >= time_pct else STATUS_COLOURS["behind"]
    fig = Chart(
        trace(
            "bar",
            y=["时间进度", "任务进度"],
            x=[float(time_pct), float(task_pct)],
            orientation="h",
            marker={"color": ["#5f6b7a", task_colour]},
            text=[f"{time_pct}%", f"{task_pct}%"],
            textposition="outside",
            cliponaxis=False,
            textfont={"color": "#1f2933", "size": 15},
            hovertemplate="%{y}：%{x}%<extra></extra>",
            width=0.55,
        )
    )
    fig.add_vline(x=50, line={"color": "#1f2933", "dash": "dot", "width": 1})
    ticks = [0, 25, 50, 75, 100]
    fig.update_xaxes(range=[0, 102], tickvals=ticks, ticktext=[f"{t}%" for t in ticks])
    fig.update_yaxes(autorange="reversed")
    _layout(fig, height=170)
    fig.update_layout(margin={"l": 70, "r": 24, "t": 10, "b": 30}, showlegend=False)
    return fig


def verdict_donut(groups: Sequence[tuple[str, str, int]]) -> Chart:
    """Counts per verdict: (status, label, count)."""
    shown = [(s, label, n) for s, label, n in groups if n]
    fig = Chart(
        trace(
            "pie",
            labels=[label for _, label, _ in shown],
            values=[n for _, _, n in shown],
            marker={"colors": [STATUS_COLOURS.get(s, "#999999") for s, _, _ in shown]},
            hole=0.55,
            automargin=True,  # room for the outside labels of small slices
            sort=False,
            direction="clockwise",
            textinfo="label+value",
            insidetextorientation="horizontal",
            texttemplate="%{label}<br>%{value}项",
            hovertemplate="%{label}：%{value}项（%{percent}）<extra></extra>",
        )
    )
    total = sum(n for _, _, n in shown)
    fig.add_annotation(text=f"共{total}项", showarrow=False, font={"size": 16})
    _layout(fig, height=300)
    fig.update_layout(showlegend=False, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig


def category_bars(
    categories: Sequence[str], groups: Sequence[tuple[str, str]], counts: dict[tuple[str, str], int]
) -> Chart:
    """Verdicts by category as stacked horizontal bars; ``counts[(category, status)]``."""
    fig = Chart()
    for status, label in groups:
        values = [counts.get((c, status), 0) for c in categories]
        if not any(values):
            continue
        fig.add_trace(
            trace(
                "bar",
                y=list(categories),
                x=values,
                name=label,
                orientation="h",
                marker={"color": STATUS_COLOURS.get(status, "#999999")},
                text=[str(v) if v else "" for v in values],
                textposition="inside",
                hovertemplate=f"%{{y}} {label}：%{{x}}项<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(dtick=1, title_text="指标数（项）")
    _layout(fig, height=120 + 36 * len(categories))
    fig.update_layout(
        margin={"l": 70, "r": 16, "t": 10, "b": 40}, legend={"orientation": "h", "y": -0.35, "traceorder": "normal"}
    )
    return fig


# ---- indicator page -------------------------------------------------------------------------------


def _x(period: Period) -> float:
    return float(period.end)


def indicator_figure(
    row: AppendixRow,
    *,
    kind: str,
    target_value: Decimal | None,
    base_year: int,
    end_year: int,
    as_of: Period,
    time_progress: Decimal,
) -> Chart:
    """Actual values, the straight path from base to target, the target line and time progress."""
    unit = row.unit
    points = [c for c in row.cells if c is not None and c.value is not None]
    fig = Chart()
    cumulative = kind == "cumulative"
    if cumulative:
        points = [c for c in points if c.period.year > base_year]
        ys, labels = _running_totals(points, base_year)
        name = "累计完成"
    else:
        ys = [float(c.value) for c in points if c.value is not None]
        labels = [c.shown for c in points]
        name = "实际值"
    fig.add_trace(_actual_trace(points, ys, labels, name=name, unit=unit, marker_size=9))
    target = float(target_value) if target_value is not None else None
    start = _path_start(points, base_year, cumulative)
    if target is not None and kind in ("level", "cumulative", "annual_increment") and start is not None:
        x0, y0 = start
        end_value = target if kind != "annual_increment" else y0 + target * (end_year - x0)
        fig.add_trace(
            trace(
                "scatter",
                x=[x0, float(end_year)],
                y=[y0, end_value],
                name="规划路径（匀速）",
                mode="lines",
                line={"color": PALETTE[1], "dash": "dash", "width": 2},
                hovertemplate="规划路径 %{y:.2f}<extra></extra>",
            )
        )
        target = end_value
    if target is not None and kind not in ("assigned", "linked", "qualitative", ""):
        words = {"ceiling": "上限", "floor": "下限", "annual_growth": "目标年均"}.get(kind, "目标")
        fig.add_hline(
            y=target,
            line={"color": PALETTE[2], "width": 2},
            annotation_text=f"{words} {target:g}{unit}",
            annotation_position="top left",
            annotation_font={"color": PALETTE[2]},
        )
    if kind in ("annual_growth", "linked"):
        _growth_segments(fig, row, points, base_year, end_year, as_of, unit)
    fig.add_vline(x=_x(as_of), line={"color": "#5f6b7a", "dash": "dot", "width": 2})
    fig.add_annotation(
        x=_x(as_of),
        y=1,
        yref="paper",
        text=f"时间进度 {time_progress * 100:.1f}%",
        showarrow=False,
        xanchor="left",
        yanchor="top",
        font={"color": "#5f6b7a"},
        bgcolor="rgba(255,255,255,.8)",
    )
    years = list(range(base_year, end_year + 1))
    fig.update_xaxes(
        tickvals=[float(y) for y in years],
        ticktext=[f"{y}年" for y in years],
        range=[base_year - 0.3, end_year + 0.3],
    )
    return _layout(fig, unit=unit, height=360)


def _actual_trace(
    points: Sequence[ValueCell], ys: list[float], labels: list[str], *, name: str, unit: str, marker_size: int
) -> dict[str, Any]:
    """The figures as a labelled line, each point hovering with its period."""
    return trace(
        "scatter",
        x=[_x(c.period) for c in points],
        y=ys,
        name=name,
        mode="lines+markers+text",
        text=labels,
        textposition="top center",
        cliponaxis=False,
        line={"color": PALETTE[0], "width": 3},
        marker={"size": marker_size},
        customdata=[c.period.label for c in points],
        hovertemplate=f"%{{customdata}}：%{{text}}{unit}<extra></extra>",
    )


def _growth_segments(
    fig: Chart,
    row: AppendixRow,
    points: Sequence[ValueCell],
    base_year: int,
    end_year: int,
    as_of: Period,
    unit: str,
) -> None:
    """For a growth rate: the average achieved so far, and what each remaining year needs."""
    if row.average_so_far is not None:
        average = float(row.average_so_far)
        fig.add_trace(
            trace(
                "scatter",
                x=[float(base_year), _x(as_of)],
                y=[average, average],
                name=f"已实现年均 {average:.1f}{unit}",
                mode="lines",
                line={"color": "#5f6b7a", "dash": "dot", "width": 2},
                hovertemplate=f"已实现年均 {average:.1f}{unit}<extra></extra>",
            )
        )
    if row.required_rate is not None:
        required = float(row.required_rate)
        last_full = max((c.period.year for c in points if not c.period.is_partial), default=base_year)
        fig.add_trace(
            trace(
                "scatter",
                x=[float(last_full), float(end_year)],
                y=[required, required],
                name=f"后续需年均 {required:.1f}{unit}",
                mode="lines",
                line={"color": PALETTE[1], "dash": "dash", "width": 2},
                hovertemplate=f"后续需年均 {required:.1f}{unit}<extra></extra>",
            )
        )


def _path_start(points: Sequence[ValueCell], base_year: int, cumulative: bool) -> tuple[float, float] | None:
    if cumulative:
        return (float(base_year), 0.0)
    for c in points:
        if c.value is not None and c.period.year >= base_year:
            return (_x(c.period), float(c.value))
    return None


def _running_totals(points: Sequence[ValueCell], base_year: int) -> tuple[list[float], list[str]]:
    """Cumulative totals over the plan: each year counts once (a full year replaces its 上半年)."""
    ys: list[float] = []
    for c in points:
        if c.period.year <= base_year:
            ys.append(0.0)
            continue
        latest: dict[int, Decimal] = {}
        for earlier in points:
            if base_year < earlier.period.year < c.period.year and earlier.value is not None:
                latest[earlier.period.year] = earlier.value
        total = sum(latest.values(), Decimal(0)) + (c.value or Decimal(0))
        ys.append(float(total))
    decimals = max((c.decimals for c in points), default=0)
    return ys, [f"{y:.{decimals}f}" for y in ys]


# ---- a series across plans ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanPath:
    """One plan's target drawn on its statistical series' chart: a straight path or a level line."""

    name: str  # e.g. "十四五目标 ≥40"
    xs: tuple[float, ...]
    ys: tuple[float, ...]


def plan_path(name: str, base_year: int, end_year: int, target: Target, base_value: Decimal | None) -> PlanPath | None:
    """Where ``target`` puts the series over its plan's span, or None when it cannot be drawn as values of the series
    (sums over years, assigned or qualitative targets, a level path without its base-year value)."""
    if target.value is None:
        return None
    value = target.value
    label = f"{name}目标"
    if target.kind == tk.ANNUAL_GROWTH and not target.compound:
        # The series holds each year's growth rate: the target is that rate in every year of the plan.
        return PlanPath(label, (float(base_year + 1), float(end_year)), (float(value), float(value)))
    if target.kind in (tk.CEILING, tk.FLOOR):
        return PlanPath(label, (float(base_year), float(end_year)), (float(value), float(value)))
    if target.kind == tk.CUMULATIVE and target.change:
        if base_value is None:
            return None
        value = base_value + value
    elif target.kind != tk.LEVEL:
        return None
    if base_value is None:
        return PlanPath(label, (float(end_year),), (float(value),))
    return PlanPath(label, (float(base_year), float(end_year)), (float(base_value), float(value)))


def series_figure(points: Sequence[ValueCell], paths: Sequence[PlanPath], *, unit: str, as_of: Period) -> Chart:
    """Every counted figure of a series with each plan's target path (十四五 and 十五五 on one axis)."""
    fig = Chart()
    shown = [c for c in points if c.value is not None]
    ys = [float(c.value) for c in shown if c.value is not None]
    fig.add_trace(_actual_trace(shown, ys, [c.shown for c in shown], name="实际值", unit=unit, marker_size=8))
    for i, path in enumerate(paths):
        colour = PALETTE[1 + i % (len(PALETTE) - 1)]
        fig.add_trace(
            trace(
                "scatter",
                x=list(path.xs),
                y=list(path.ys),
                name=path.name,
                mode="lines+markers" if len(path.xs) > 1 else "markers",
                line={"color": colour, "dash": "dash", "width": 2},
                marker={"size": 9, "symbol": "diamond"},
                hovertemplate=f"{path.name} %{{y:g}}{unit}<extra></extra>",
            )
        )
    years = sorted({int(x) for p in paths for x in p.xs} | {c.period.year for c in shown} | {as_of.year})
    first, last = years[0], years[-1]
    fig.add_vline(x=_x(as_of), line={"color": "#5f6b7a", "dash": "dot", "width": 2})
    fig.update_xaxes(
        tickvals=[float(y) for y in range(first, last + 1)],
        ticktext=[f"{y}年" for y in range(first, last + 1)],
        range=[first - 0.3, last + 0.3],
    )
    return _layout(fig, unit=unit, height=340)
