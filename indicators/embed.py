"""Charts embedded for a strict Content-Security-Policy: the figure goes into a ``json_script`` block and
``static/js/app.js`` draws it with the page's plotly.js, so no inline script is needed."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString


def chart_html(figure: dict[str, Any], config: dict[str, Any], *, div_id: str | None = None) -> SafeString:
    """A ``<div>`` that app.js fills with the figure (a plain ``{"data": …, "layout": …}`` dict)."""
    div_id = div_id or f"chart-{uuid4().hex[:12]}"
    spec = {"data": figure.get("data", []), "layout": figure.get("layout", {}), "config": config}
    return format_html(
        '<div id="{}" class="plotly-graph-div" data-figure="{}-figure"></div>{}',
        div_id,
        div_id,
        json_script(spec, f"{div_id}-figure"),
    )
