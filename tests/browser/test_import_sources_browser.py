"""End to end in headless Chromium: an admin uploads last year's table as a CSV with one column the app cannot
name; the preview shows what each column was read as, the unknown column, and where the office's own
"完成情况" differs from the app's verdict; the admin names the column, previews again and confirms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from indicators.models import Indicator, Plan
from tests.browser.conftest import assert_no_js_errors, login, screenshot
from tests.conftest import make_user
from tests.test_import import export
from tests.test_import_sources import other_region_plan, printed_rows, to_csv

pytestmark = pytest.mark.browser


def test_preview_shows_the_mapping_and_the_verdict_comparison(
    browser_page: Any, live_server: Any, plan_14th: Plan, tmp_path: Path
) -> None:
    make_user("guanli", "管理员", first_name="系统管理员", is_staff=True)
    target = other_region_plan(plan_14th)
    rows = printed_rows(export(plan_14th))
    rows[0][4] = "规划值"  # the office wrote 规划值 over the target column: not guessed
    gdp = next(i for i, row in enumerate(rows) if row[2].startswith("地区生产总值增长"))
    rows[gdp][-1] = "达到预期"
    path = tmp_path / "2023年中期评估附件1.csv"
    path.write_bytes(to_csv(rows, "gbk"))

    page = browser_page
    login(page, live_server, "guanli")
    page.goto(f"{live_server.url}/indicators/plan/{target.pk}/import/")
    page.set_input_files("input[type=file]", str(path))
    with page.expect_navigation():
        page.click("text=上传并预览")
    summary = page.locator(".mapping-summary").inner_text()
    assert "A 列 → 序号" in summary and "F 列 → 实际值 2020年" in summary
    assert "E 列“规划值”" in page.locator(".import-mapping").inner_text()  # listed as unknown
    assert page.locator(".import-mapping details[open]").count() == 1  # opened: there is an unknown column
    page.locator(".import-mapping").scroll_into_view_if_needed()
    screenshot(page, "import-sources-unknown-column", full_page=False)
    page.select_option("select[name=column-5]", "target:2025")
    with page.expect_navigation():
        page.click("text=按所选含义重新预览")
    assert "E 列 → 目标值 2025年" in page.locator(".mapping-summary").inner_text()
    differences = page.locator("table.verdict-differences").inner_text()
    assert "地区生产总值增长（%）" in differences and "达到预期" in differences and "低于预期" in differences
    page.locator(".import-mapping").scroll_into_view_if_needed()
    screenshot(page, "import-sources-preview", full_page=False)
    page.locator("table.verdict-differences").scroll_into_view_if_needed()
    screenshot(page, "import-sources-verdicts", full_page=False)
    assert Indicator.objects.filter(plan=target).count() == 0
    with page.expect_navigation():
        page.click("text=确认导入")
    assert "导入完成（2023年中期评估附件1.csv）" in page.content()
    assert Indicator.objects.filter(plan=target).count() == 23
    assert Indicator.objects.get(plan=target, name="地区生产总值增长").target_text == "7.5"
    assert_no_js_errors(page)
