"""What a reader sees of a page: its text, without tags, attributes (CSRF tokens, ids, URLs) or scripts."""

from __future__ import annotations

from html.parser import HTMLParser


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0  # depth inside <script>/<style>/<template>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template"}:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def texts(html: str | bytes) -> list[str]:
    """The page's text nodes, stripped, in order: a figure printed alone in a cell is one item ("35")."""
    parser = _Texts()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser.texts


def text(html: str | bytes) -> str:
    """The page's visible text as one string, one text node a line."""
    return "\n".join(texts(html))
