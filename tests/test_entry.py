"""The entry grid and the edit form over HTTP: validation messages, the optimistic check, locks, the review
round trip as the clerk sees it."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from indicators import services
from indicators.assessment import assess_plan
from indicators.forms import VALUE_MISSING
from indicators.models import VALUE_WITH_NO_DATA, Observation, ReviewStatus
from indicators.periods import Period
from indicators.values import VALUE_NOT_A_NUMBER, VALUE_SHARE_OUT_OF_RANGE
from tests.entry_support import SmallPlan


def edit_url(small: SmallPlan, code: str, indicator: str = "gdp") -> str:
    return f"/indicators/entry/{getattr(small, indicator).series_id}/{code}/"


def post(client: Client, url: str, **data: str) -> object:
    payload = {"value": "", "note": "", "source": "", "reason": "", "version": "0", **data}
    return client.post(url, payload)


def messages_of(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


def test_grid_lists_the_clerks_department_only(client: Client, small: SmallPlan, clerk: User, admin: User) -> None:
    client.force_login(clerk)
    body = client.get("/indicators/entry/").content.decode()
    assert "地区生产总值增长" in body and "常住人口城镇化率" in body
    assert "城镇新增就业人数" not in body
    client.force_login(admin)
    assert "城镇新增就业人数" in client.get("/indicators/entry/").content.decode()


def test_grid_columns_run_from_the_base_year_to_the_current_period(
    client: Client, small: SmallPlan, clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("indicators.views.entry.timezone.localdate", lambda: datetime.date(2023, 8, 1))
    client.force_login(clerk)
    grid = client.get("/indicators/entry/").context["grid"]
    assert [p.code for p in grid.periods] == ["2020", "2021H1", "2021", "2022H1", "2022", "2023H1", "2023"]


def test_full_width_digits_are_saved_as_a_draft_and_shown_in_the_grid(
    client: Client, small: SmallPlan, clerk: User
) -> None:
    client.force_login(clerk)
    response = post(client, edit_url(small, "2023"), value="５．１", source="统计公报")
    assert response.status_code == 302  # type: ignore[attr-defined]
    obs = Observation.objects.get(series=small.gdp.measured_series, year=2023)
    assert (obs.value, obs.decimals, obs.status, obs.entered_by) == (Decimal("5.1"), 1, "draft", clerk)
    grid = client.get(response["Location"])  # type: ignore[index]
    assert "已保存：地区生产总值增长 2023年 = 5.1（草稿）。" in messages_of(grid)
    assert re.search(r">\s*5\.1\s*</a>", grid.content.decode())


@pytest.mark.parametrize(
    ("indicator", "data", "message"),
    [
        ("gdp", {"value": "五点一"}, VALUE_NOT_A_NUMBER),
        ("gdp", {"value": "5.1左右"}, VALUE_NOT_A_NUMBER),
        ("gdp", {"value": ""}, VALUE_MISSING),
        ("gdp", {"value": "5.1", "no_data": "on"}, VALUE_WITH_NO_DATA),
        ("urban", {"value": "101%"}, VALUE_SHARE_OUT_OF_RANGE),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(
    client: Client, small: SmallPlan, clerk: User, indicator: str, data: dict[str, str], message: str
) -> None:
    client.force_login(clerk)
    response = post(client, edit_url(small, "2023", indicator), **data)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert message in response.content.decode()  # type: ignore[attr-defined]
    assert not Observation.objects.filter(year=2023).exists()


def test_no_data_is_explicit(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    post(client, edit_url(small, "2023"), no_data="on", note="统计局尚未发布")
    obs = Observation.objects.get(series=small.gdp.measured_series, year=2023)
    assert (obs.no_data, obs.value, obs.note) == (True, None, "统计局尚未发布")


def test_save_and_submit_then_returned_note_reaches_the_clerk(
    client: Client, small: SmallPlan, clerk: User, reviewer: User
) -> None:
    client.force_login(clerk)
    post(client, edit_url(small, "2023"), value="5.1", submit="1")
    obs = Observation.objects.get(series=small.gdp.measured_series, year=2023)
    assert obs.status == ReviewStatus.SUBMITTED
    services.observation_return(observation=obs, user=reviewer, note="与统计公报不一致，请核对")
    body = client.get("/indicators/entry/").content.decode()
    assert "退回：与统计公报不一致，请核对" in body
    assert "提交全部草稿（1 个）" in body
    edit = client.get(edit_url(small, "2023")).content.decode()
    assert "审核员退回意见：与统计公报不一致，请核对" in edit


def test_changing_an_approved_value_needs_a_reason(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    version = str(Observation.objects.get(series=small.gdp.measured_series, year=2022).version)
    response = post(client, edit_url(small, "2022"), value="4.2", version=version)
    assert services.REASON_REQUIRED in response.content.decode()  # type: ignore[attr-defined]
    assert Observation.objects.get(series=small.gdp.measured_series, year=2022).value == Decimal("4.0")
    response = post(client, edit_url(small, "2022"), value="4.2", version=version, reason="按附件2更正")
    assert response.status_code == 302  # type: ignore[attr-defined]
    obs = Observation.objects.get(series=small.gdp.measured_series, year=2022)
    assert (obs.value, obs.status) == (Decimal("4.2"), ReviewStatus.DRAFT)


def test_the_second_of_two_concurrent_edits_is_refused_with_the_newer_value(
    client: Client, small: SmallPlan, clerk: User, admin: User
) -> None:
    other = Client()
    client.force_login(clerk)
    other.force_login(admin)
    # both open the empty 2023 cell (version 0)
    assert client.get(edit_url(small, "2023")).context["form"]["version"].value() == 0
    assert other.get(edit_url(small, "2023")).context["form"]["version"].value() == 0
    assert post(other, edit_url(small, "2023"), value="5.3").status_code == 302  # type: ignore[attr-defined]
    response = post(client, edit_url(small, "2023"), value="5.1")
    body = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "未保存：在您编辑期间，系统管理员已将该数值改为 5.3（草稿" in body
    assert "最新数值：<strong>5.3</strong>" in body
    assert Observation.objects.get(series=small.gdp.measured_series, year=2023).value == Decimal("5.3")
    # the form now carries the newer version: saving again is a deliberate overwrite
    assert response.context["form"].data["version"] == "1"  # type: ignore[attr-defined]
    assert post(client, edit_url(small, "2023"), value="5.1", version="1").status_code == 302  # type: ignore[attr-defined]
    assert Observation.objects.get(series=small.gdp.measured_series, year=2023).value == Decimal("5.1")


def test_a_locked_period_shows_locked_and_refuses_posts(
    client: Client, small: SmallPlan, clerk: User, admin: User
) -> None:
    services.period_lock(plan=small.plan, period=Period(2022), user=admin, reason="报告已通过")
    client.force_login(clerk)
    page = client.get(edit_url(small, "2022")).content.decode()
    assert "2022年已锁定，数值不能修改" in page and f"由{small.plan.name}锁定" in page  # which plan's lock
    response = post(client, edit_url(small, "2022"), value="4.2", version="1", reason="x")
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert Observation.objects.get(series=small.gdp.measured_series, year=2022).value == Decimal("4.0")
    grid = client.get(response["Location"])  # type: ignore[index]
    assert services.locked_message(Period(2022), [small.plan.name]) in messages_of(grid)
    assert 'title="已锁定"' in grid.content.decode()


def test_outlier_is_saved_with_a_warning_shown_to_clerk_and_reviewer(
    client: Client, small: SmallPlan, clerk: User, reviewer: User
) -> None:
    client.force_login(clerk)
    response = post(client, edit_url(small, "2023"), value="45", submit="1")
    grid = client.get(response["Location"])  # type: ignore[index]
    assert any("远超该指标以往数值" in m for m in messages_of(grid))
    assert "⚠" in grid.content.decode()
    client.force_login(reviewer)
    assert "数值 45 远超该指标以往数值（3.4 至 9.1）" in client.get("/indicators/review/").content.decode()


def test_the_row_verdict_previews_submitted_figures(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    post(client, edit_url(small, "2023"), value="12.0", submit="1")
    # The verdict is the dashboard's, at its default as-of (2022, the latest approved data); the preview
    # judges at the submitted figure's period (issue 14: the grid and the dashboard share the default as-of).
    approved = {a.indicator.pk: a.label for a in assess_plan(small.plan, Period(2022))}
    preview = {a.indicator.pk: a.label for a in assess_plan(small.plan, Period(2023), include_pending=True)}
    assert approved[small.gdp.pk] != preview[small.gdp.pk]  # the new figure changes the verdict
    row = next(r for r in client.get("/indicators/entry/").context["grid"].rows if r.series == small.gdp.series)
    (verdict,) = row.verdicts  # one plan reads the series
    assert (verdict.assessment.label, verdict.preview.label) == (approved[small.gdp.pk], preview[small.gdp.pk])
    assert f"含待审数值：{preview[small.gdp.pk]}" in client.get("/indicators/entry/").content.decode()


def test_submit_all_button(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    post(client, edit_url(small, "2023"), value="5.1")
    post(client, edit_url(small, "2023", "urban"), value="65.1")
    response = client.post("/indicators/entry/submit-all/", {"plan": small.plan.pk}, follow=True)
    assert "已提交审核 2 个数值。" in messages_of(response)
    assert set(Observation.objects.filter(year=2023).values_list("status", flat=True)) == {"submitted"}


def test_period_outside_the_plan_or_malformed_is_404(client: Client, small: SmallPlan, clerk: User) -> None:
    client.force_login(clerk)
    for code in ("2019", "2026", "2023X", "abcd"):
        assert client.get(edit_url(small, code)).status_code == 404, code
