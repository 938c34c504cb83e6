"""Serve plotly.js from the installed plotly package as the static file ``vendor/plotly.min.js``.

District networks may have no internet, so no CDN; and vendoring a 4 MB copy would drift from the
pinned Python package. The finder exposes the exact file shipped with the pinned ``plotly`` wheel,
for ``runserver``, WhiteNoise and ``collectstatic`` alike.
"""

from pathlib import Path
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_PATH = "vendor/plotly.min.js"
_PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    storage = FileSystemStorage(location=str(_PACKAGE_DATA), base_url="/static/vendor/")

    def check(self, **kwargs: Any) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if path == PLOTLY_STATIC_PATH:
            match = str(_PACKAGE_DATA / "plotly.min.js")
            return [match] if find_all else match
        return [] if find_all else ""

    def list(self, ignore_patterns: Any) -> Any:
        storage = FileSystemStorage(location=str(_PACKAGE_DATA))
        storage.prefix = "vendor"  # type: ignore[attr-defined]
        yield "plotly.min.js", storage
