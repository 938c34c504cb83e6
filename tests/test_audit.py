"""Every change leaves who / when / old → new / why: the history of a value, manual verdicts and targets."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.test import Client

from indicators import services
from indicators.models import ManualVerdict, Observation
from indicators.periods import Period
from tests.entry_support import SmallPlan


def test_history_of_a_value_shows_who_when_old_new_and_why(
    client: Client, small: SmallPlan, clerk: User, reviewer: User, other_clerk: User
) -> None:
    client.force_login(clerk)
    url = f"/indicators/entry/{small.gdp.series_id}/2022/"
    client.post(url, {"value": "4.2", "version": "1", "reason": "按附件2口径更正", "submit": "1"})
    obs = Observation.objects.get(series=small.gdp.measured_series, year=2022)
    services.observation_return(observation=obs, user=reviewer, note="附件1为准")
    client.force_login(other_clerk)  # reading the history is open to every logged-in user
    response = client.get(f"/indicators/observation/{obs.pk}/history/")
    rows = response.context["history"]
    assert [(r["record"].history_user, r["kind"]) for r in rows] == [
        (reviewer, "修改"),
        (clerk, "修改"),
        (None, "新建"),
    ]
    assert rows[0]["record"].history_change_reason == "退回修改：附件1为准"
    changes = {c["field"]: (c["old"], c["new"]) for c in rows[1]["changes"]}
    assert changes["数值"] == ("4.0", "4.2")
    assert changes["审核状态"] == ("已审核", "待审核")
    assert rows[1]["record"].history_change_reason == "按附件2口径更正"
    body = response.content.decode()
    assert "数值：4.0 → 4.2" in body and "按附件2口径更正" in body and "统计局录入员" in body
    assert rows[2]["summary"] == "数值 4.0（已审核）"


def test_history_page_query_count(
    client: Client, small: SmallPlan, clerk: User, django_assert_num_queries: object
) -> None:
    obs = small.gdp.measured_series.observations.get(year=2022)
    for value in ("4.1", "4.2", "4.3"):
        services.observation_record(
            indicator=small.gdp, period=Period(2022), value=Decimal(value), user=clerk, reason="更正"
        )
    client.force_login(clerk)
    # session, user, the observation with its indicator, its history with users, groups and staff profile
    # (may the reader edit it?); the reader's home region and the region tree (is it in their scope?);
    # the to-do counts of the navigation (issue 14)
    with django_assert_num_queries(9):  # type: ignore[operator]
        response = client.get(f"/indicators/observation/{obs.pk}/history/")
    assert len(response.context["history"]) == 4


def test_manual_verdict_form_requires_a_reason_and_keeps_history(
    client: Client, small: SmallPlan, reviewer: User
) -> None:
    client.force_login(reviewer)
    url = f"/indicators/indicator/{small.gdp.pk}/verdict/?as_of=2023H1"
    response = client.post(url, {"action": "set", "status": "on_track", "reason": ""})
    assert "人工研判必须填写理由。" in response.content.decode()
    assert not ManualVerdict.objects.exists()
    response = client.post(url, {"action": "set", "status": "on_track", "reason": "疫情影响，按全年研判"}, follow=True)
    verdict = ManualVerdict.objects.get()
    assert (verdict.period, verdict.status, verdict.set_by) == (Period(2023, "H1"), "on_track", reviewer)
    body = response.content.decode()
    assert "已保存人工研判：地区生产总值增长（2023年上半年）。" in body
    assert "（人工研判）" in body and "疫情影响，按全年研判" in body
    client.post(url, {"action": "clear", "reason": "恢复自动判断"})
    assert not ManualVerdict.objects.exists()
    records = client.get(url).context["records"]
    assert [(r.history_type, r.history_change_reason) for r in records] == [
        ("-", "恢复自动判断"),
        ("+", "疫情影响，按全年研判"),
    ]


def test_target_form_shows_the_parser_guess_and_keeps_a_manual_choice(
    client: Client, small: SmallPlan, admin: User
) -> None:
    client.force_login(admin)
    url = f"/indicators/indicator/{small.gdp.pk}/target/"
    assert client.get(url).context["guess"].kind == "annual_growth"
    response = client.post(url, {"action": "target", "target_text": "[12]", "reason": ""})
    assert "修改目标必须填写修改原因。" in response.content.decode()
    client.post(url, {"action": "target", "target_text": "[12]", "reason": "按纲要调整"})
    small.gdp.refresh_from_db()
    assert (small.gdp.target_text, small.gdp.target_kind, small.gdp.target_set_manually) == (
        "[12]",
        "cumulative",
        False,
    )
    client.post(
        url,
        {
            "action": "target",
            "target_text": "[12]",
            "manual": "on",
            "kind": "annual_growth",
            "value": "２.３",
            "direction": "higher",
            "reason": "人工指定",
        },
    )
    small.gdp.refresh_from_db()
    assert (small.gdp.target_kind, small.gdp.target_value, small.gdp.target_set_manually) == (
        "annual_growth",
        Decimal("2.3"),
        True,
    )
    history = client.get(url).context["history"]
    assert history[0]["record"].history_change_reason == "人工指定"
    assert {c["field"] for c in history[0]["changes"]} >= {"目标类型", "目标数值", "目标类型已人工确认"}
    assert ("7.5", "[12]") in [(c["old"], c["new"]) for c in history[1]["changes"]]


def test_assigned_target_is_audited(client: Client, small: SmallPlan, admin: User) -> None:
    client.force_login(admin)
    url = f"/indicators/indicator/{small.urban.pk}/target/"
    client.post(url, {"action": "assigned", "period": "2023", "value": "65.5", "source": "市下达", "reason": "市文件"})
    target = small.urban.assigned_targets.get()
    assert (target.value, target.history.get().history_change_reason) == (Decimal("65.5"), "市文件")


def test_a_first_manual_verdict_starts_from_the_computed_one(client: Client, small: SmallPlan, reviewer: User) -> None:
    """Not from the list's first choice (超出预期): the form opens on what the figures say; a stored one as stored."""
    client.force_login(reviewer)
    url = f"/indicators/indicator/{small.gdp.pk}/verdict/?as_of=2023H1"
    page = client.get(url)
    computed = page.context["assessment"].verdict.computed_status.value
    assert computed == "behind" and page.context["form"]["status"].value() == "behind"
    client.post(url, {"action": "set", "status": "on_track", "reason": "疫情影响，按全年研判"})
    assert client.get(url).context["form"]["status"].value() == "on_track"
