"""Printing the report pages (issue 11): Chromium prints 附件1 and the dashboard to PDF (``page.pdf``, the print
stylesheet), poppler's pdftoppm renders the pages (PNG in artifacts/ to look at; PGM to check), pdftotext reads
them back. Checked: paper size and orientation, page count, every row printed whole across the table (its 序号 and
its verdict, the last column, on one printed line: Chromium clips a table wider than the page at the margin, so a
cut table loses its right-hand columns), the header rows on every page, navigation and selectors left out."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from indicators.models import Plan
from tests.browser.conftest import ARTIFACTS, assert_no_js_errors, login
from tests.test_fixture_plan import APPENDIX_1

pytestmark = pytest.mark.browser
AS_OF = "as_of=2023H1"
DPI = 40
VERDICT_LABELS = ("超出预期", "达到预期", "低于预期", "暂无数据", "完成市定目标", "未完成市定目标", "待研判")


@dataclass(frozen=True)
class PrintedPage:
    width: int
    height: int

    @property
    def is_a4(self) -> bool:
        long, short = max(self.width, self.height), min(self.width, self.height)
        return abs(long / short - 297 / 210) < 0.01


def rows_printed_whole(texts: list[str]) -> int:
    """How many printed 附件1 rows reach the verdict, the table's last column (a cut table loses it)."""
    count = 0
    for text in texts:
        for line in text.splitlines():
            words = [w for w in line.split() if w != "（人工研判）"]
            # the verdict, or the 注 printed under it in the same cell (the label then sits on the line above)
            if len(words) > 2 and (words[-1] in VERDICT_LABELS or any(w.startswith("注：") for w in words)):
                count += 1
    return count


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (make browser-deps installs poppler-utils)")
    return path


def _read_pgm(path: Path) -> PrintedPage:
    data = path.read_bytes()
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:  # magic, width, height, maxval; separated by whitespace
        while data[position : position + 1].isspace():
            position += 1
        end = position
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    assert fields[0] == b"P5", fields[0]
    width, height = int(fields[1]), int(fields[2])
    assert len(data) - position - 1 == width * height  # 8-bit gray pixels follow
    return PrintedPage(width, height)


def print_to_pdf(page: Any, name: str) -> tuple[list[PrintedPage], list[str]]:
    """Print the page as a user's 打印 does (the beforeprint handlers run first): the pages' sizes and texts."""
    pdftoppm, pdftotext = _tool("pdftoppm"), _tool("pdftotext")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_timeout(300)  # plotly redraws at the printed width
    pdf.write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    subprocess.run([pdftoppm, "-r", str(DPI * 2), "-png", str(pdf), str(ARTIFACTS / name)], check=True)
    prefix = ARTIFACTS / f"{name}-gray"
    for old in ARTIFACTS.glob(f"{name}-gray-*.pgm"):
        old.unlink()
    subprocess.run([pdftoppm, "-r", str(DPI), "-gray", str(pdf), str(prefix)], check=True)
    images = [_read_pgm(p) for p in sorted(ARTIFACTS.glob(f"{name}-gray-*.pgm"))]
    texts = []
    for number in range(1, len(images) + 1):
        result = subprocess.run(
            [pdftotext, "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        )
        texts.append(result.stdout)
    return images, texts


def test_appendix_1_prints_on_landscape_pages_with_every_row(
    browser_page: Any, live_server: Any, plan_14th: Plan, leader: Any
) -> None:
    page = browser_page
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/appendix/1/?{AS_OF}")
    assert page.locator("button[data-print]").inner_text() == "打印"
    images, texts = print_to_pdf(page, "print-appendix1")

    # 21 rows on two landscape A4 pages (with the 注 naming readings that would change a verdict), then the
    # summary paragraph, which moves to a third page
    assert len(images) == 3
    for image in images:
        assert image.is_a4 and image.width > image.height  # A4 landscape
    assert "总体完成情况" in texts[-1] and "实际值" not in texts[-1]
    texts = texts[:2]  # the table's pages
    everything = "".join(texts)
    for _seq, _category, key, *_ in APPENDIX_1:
        assert key.rpartition("/")[2][:6] in everything, key  # every row printed (long names wrap)
    assert rows_printed_whole(texts) == 21  # no row cut at the right-hand edge
    for text in texts:
        assert "实际值" in text and "中期完成情况" in text  # the header rows on every page
    assert "2023年上半年" in texts[-1]
    assert "主导航" not in everything and "附件2 未达进度原因" not in everything  # no navigation
    assert "筛选" not in everything and "评估期（截至）" not in everything  # no selectors or filters
    assert "下载报告草稿" not in everything and "打印" not in everything
    # a table row never breaks across pages; the header rows repeat
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('table.appendix1 tbody tr')).breakInside") == "avoid"
    assert page.evaluate("getComputedStyle(document.querySelector('table.appendix1 thead')).display") == (
        "table-header-group"
    )
    assert_no_js_errors(page)


def test_dashboard_prints_on_portrait_pages_with_its_charts(
    browser_page: Any, live_server: Any, plan_14th: Plan, leader: Any
) -> None:
    page = browser_page
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/?{AS_OF}")
    page.wait_for_selector("svg.main-svg")
    images, texts = print_to_pdf(page, "print-dashboard")

    assert 1 <= len(images) <= 2
    for image in images:
        assert image.is_a4 and image.height > image.width  # A4 portrait
    everything = "".join(texts)
    assert "时间进度" in everything and "63.1%" in everything
    assert "双过半" in everything and "中期完成情况" in everything and "分类别完成情况" in everything  # charts kept
    assert "共19项" in everything  # the donut's centre: the chart itself printed, not only its heading
    assert "评估期（截至）" not in everything and "退出" not in everything
    assert_no_js_errors(page)


def test_the_margin_check_sees_a_cut_table(browser_page: Any, live_server: Any, plan_14th: Plan, leader: Any) -> None:
    """The check above is worth something: a table wider than the page loses its last columns in print."""
    page = browser_page
    login(page, live_server, "leader")
    page.goto(f"{live_server.url}/appendix/1/?{AS_OF}")
    page.evaluate("document.querySelector('table.appendix1').style.setProperty('min-width', '3000px', 'important')")
    _, texts = print_to_pdf(page, "print-appendix1-too-wide")
    assert rows_printed_whole(texts) == 0
