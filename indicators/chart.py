"""A plotly figure as plain data: the few ``go.Figure`` methods our charts use, without plotly.py.

``plotly.graph_objects`` validates every property through a deep object tree; building the dashboard's
three small figures took most of its time. plotly.js validates the same JSON in the browser anyway, so
here a figure is a ``{"data": [...], "layout": {...}}`` dict built with the same calls. Property names
follow plotly's, including the ``a_b=`` shorthand for ``{"a": {"b": …}}``.
"""

from __future__ import annotations

from typing import Any


def _expand(props: dict[str, Any]) -> dict[str, Any]:
    """``{"title_text": "x", "line": {...}}`` → ``{"title": {"text": "x"}, "line": {...}}``; None drops a key."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        if value is None:
            continue
        if key == "title" and isinstance(value, str):
            value = {"text": value}  # plotly.js 3 reads titles only as {"text": …}
        head, _, rest = key.partition("_")
        if rest and head in _NESTED:
            _merge(out, {head: _expand({rest: value})})
        else:
            _merge(out, {key: value})
    return out


# Property names whose ``name_sub=`` form means a nested property (the ones our charts use).
_NESTED = {"title", "marker", "line", "font", "annotation", "legend", "xaxis", "yaxis", "yaxis_title"}


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def trace(kind: str, **props: Any) -> dict[str, Any]:
    return {"type": kind, **_expand(props)}


class Chart:
    def __init__(self, *traces: dict[str, Any]) -> None:
        self.data: list[dict[str, Any]] = list(traces)
        self.layout: dict[str, Any] = {}

    def add_trace(self, item: dict[str, Any]) -> Chart:
        self.data.append(item)
        return self

    def add_bar(self, **props: Any) -> Chart:
        return self.add_trace(trace("bar", **props))

    def update_layout(self, **props: Any) -> Chart:
        _merge(self.layout, _expand(props))
        return self

    def update_xaxes(self, **props: Any) -> Chart:
        return self.update_layout(xaxis=_expand(props))

    def update_yaxes(self, **props: Any) -> Chart:
        return self.update_layout(yaxis=_expand(props))

    def add_annotation(self, **props: Any) -> Chart:
        self.layout.setdefault("annotations", []).append(_expand(props))
        return self

    def add_vline(self, x: float, *, line: dict[str, Any]) -> Chart:
        shape = {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain", "line": line}
        self.layout.setdefault("shapes", []).append(shape)
        return self

    def add_hline(
        self,
        y: float,
        *,
        line: dict[str, Any],
        annotation_text: str = "",
        annotation_position: str = "top left",
        annotation_font: dict[str, Any] | None = None,
    ) -> Chart:
        shape = {"type": "line", "y0": y, "y1": y, "yref": "y", "x0": 0, "x1": 1, "xref": "x domain", "line": line}
        self.layout.setdefault("shapes", []).append(shape)
        if annotation_text:
            vertical, horizontal = annotation_position.split()
            self.add_annotation(
                text=annotation_text,
                showarrow=False,
                x=0 if horizontal == "left" else 1,
                xref="x domain",
                xanchor=horizontal,
                y=y,
                yref="y",
                yanchor="bottom" if vertical == "top" else "top",
                font=annotation_font,
            )
        return self

    def to_plotly_json(self) -> dict[str, Any]:
        return {"data": self.data, "layout": self.layout}
