"""The roll-up of a region's lower regions (issue 12): matrix, sorting, ranking, Excel, fixed queries."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from indicators.assessment import assess_plan, assess_plans
from indicators.models import Attribute, Category, Department, Indicator, Observation, Plan, Region, Series
from indicators.periods import Period
from reports.rollup_render import FILLS, SHEET_MATRIX, SHEET_UNMATCHED
from tests.entry_support import approved


def _county(city: Region, number: int, *, lagging: bool, extra: bool = False) -> Plan:
    """A county plan: forest cover (binding, a level target of 35) and GDP growth (expected, 7 a year)."""
    county = Region.objects.create(name=f"测试{number:02d}县", parent=city)
    stats = Department.objects.create(region=county, name="统计局")
    plan = Plan.objects.create(name=f"测试{number:02d}县十四五规划", region=county, base_year=2020, end_year=2025)
    economy = Category.objects.create(plan=plan, name="经济发展", order=1)
    green = Category.objects.create(plan=plan, name="绿色生态", order=2)

    def indicator(category: Category, name: str, unit: str, target: str, kind: str, attribute: str) -> Indicator:
        series = Series.objects.create(region=county, name=name, unit=unit, department=stats)
        return Indicator.objects.create(
            plan=plan,
            category=category,
            name=name,
            unit=unit,
            attribute=attribute,
            target_text=target,
            target_kind=kind,
            target_value=Decimal(target),
            order=Indicator.objects.filter(plan=plan).count() + 1,
            series=series,
        )

    gdp = indicator(economy, "地区生产总值增长", "%", "7", "annual_growth", Attribute.EXPECTED)
    forest = indicator(green, "森林覆盖率", "%", "35", "level", Attribute.BINDING)
    for year, value in ((2021, "7.5"), (2022, "7.2")):
        approved(gdp, year, value)
    approved(forest, 2020, "30.0")
    approved(forest, 2022, "30.5" if lagging else "34.0")
    if extra:
        own = indicator(economy, "本县特色指标", "个", "10", "level", Attribute.EXPECTED)
        approved(own, 2022, "3")
    return plan


def _city(counties: int, name: str = "测试市") -> Region:
    province = Region.objects.get_or_create(name="测试省")[0]
    city = Region.objects.create(name=name, parent=province)
    for n in range(counties):
        _county(city, n + 1 + 100 * Region.objects.filter(parent=province).count(), lagging=n % 2 == 1, extra=n == 0)
    return city


@pytest.fixture
def city_user(db: None) -> User:
    from tests.conftest import make_user

    return make_user("city", "领导", None)


def _login(client: Client, user: User, region: Region) -> None:
    from indicators.models import StaffProfile

    StaffProfile.objects.filter(user=user).update(region=region)
    client.force_login(user)


def test_the_matrix_puts_binding_first_sorts_lagging_first_and_lists_unmatched(client: Client, city_user: User) -> None:
    city = _city(4)
    _login(client, city_user, city)
    page = client.get(f"/region/{city.pk}/?as_of=2022")
    assert page.status_code == 200
    rollup = page.context["rollup"]
    assert [c.name for c in rollup.columns] == ["森林覆盖率", "地区生产总值增长"]  # 约束性 first
    assert [(u.name, u.region) for u in rollup.unmatched] == [("本县特色指标", "测试101县")]
    body = page.content.decode()
    assert "未能匹配的指标" in body and "本县特色指标" in body
    sorted_page = client.get(f"/region/{city.pk}/?as_of=2022&sort=0")
    rows = sorted_page.context["rows"]
    assert [r.cells[0].label for r in rows] == ["低于预期", "低于预期", "达到预期", "达到预期"]
    assert {r.region.name for r in rows[:2]} == {"测试102县", "测试104县"}
    desc = client.get(f"/region/{city.pk}/?as_of=2022&sort=0&dir=desc").context["rows"]
    assert desc[0].cells[0].label == "达到预期"
    lagging = dict((c.name, names) for c, names in sorted_page.context["lagging"])
    assert lagging == {"森林覆盖率": ["测试102县", "测试104县"]}
    share = {r.region.name: (r.good, r.total) for r in rows}
    assert share["测试101县"] == (2, 3) and share["测试102县"] == (1, 2)
    ranking = sorted_page.context["ranking"]
    assert [n for n, _, _ in ranking] == [1, 2, 3, 4] and ranking[-1][2].label == "低于预期"
    assert 'id="chart-rollup"' in body


def test_the_excel_holds_the_matrix_and_the_unmatched(client: Client, city_user: User) -> None:
    city = _city(3)
    _login(client, city_user, city)
    response = client.get(f"/region/{city.pk}/xlsx/?as_of=2022&sort=0")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book[SHEET_MATRIX]
    assert sheet.cell(2, 5).value == "森林覆盖率（%）［约束性］"
    assert sheet.cell(2, 6).value == "森林覆盖率（%）［约束性］结论"
    assert sheet.cell(3, 1).value == "测试102县"
    value, verdict = sheet.cell(3, 5), sheet.cell(3, 6)
    assert value.value == 30.5 and value.data_type == "n" and value.number_format == "0.0"
    assert verdict.value == "低于预期" and verdict.fill.fgColor.rgb.endswith(FILLS["behind"])
    assert value.fill.fill_type is None  # the status fill is on the verdict
    gdp = [sheet.cell(3, n) for n in (7, 8)]
    assert gdp[0].value == 7.2 and gdp[0].number_format == "0.0" and gdp[1].value == "达到预期"
    assert book[SHEET_UNMATCHED].cell(2, 3).value == "本县特色指标"


def test_a_city_leader_cannot_open_another_citys_rollup(client: Client, city_user: User) -> None:
    ours, theirs = _city(2, "本市"), _city(2, "他市")
    _login(client, city_user, ours)
    assert client.get(f"/region/{ours.pk}/").status_code == 200
    assert client.get(f"/region/{theirs.pk}/").status_code == 404
    assert client.get(f"/region/{theirs.pk}/xlsx/").status_code == 404
    county = Region.objects.filter(parent=theirs).first()
    assert county is not None
    plan = Plan.objects.get(region=county)
    indicator = Indicator.objects.filter(plan=plan).first()
    assert indicator is not None
    assert client.get(f"/indicator/{indicator.pk}/").status_code == 404


def test_a_region_without_lower_plans_says_so(client: Client, city_user: User) -> None:
    city = Region.objects.create(name="空市")
    _login(client, city_user, city)
    page = client.get(f"/region/{city.pk}/")
    assert page.status_code == 200 and "空市的下级行政区划尚无规划，无法汇总。" in page.content.decode()
    assert client.get(f"/region/{city.pk}/xlsx/").status_code == 404
    assert client.get("/region/999999/").status_code == 404


# Queries of the page: session, user, the user's groups (navigation), the user's home region, the region tree
# (scope), the region tree (chooser), the plans below, the plans' data versions (two: changes, category order),
# their stored verdicts, then (none
# stored yet) assess_plans' four (indicators, observations, assigned targets, manual verdicts) and one upsert of the
# verdicts. The Excel renders no navigation: no groups. Without as_of: + latest year.
@pytest.mark.parametrize(("url", "expected"), [("/region/{}/?as_of=2022", 15), ("/region/{}/xlsx/?as_of=2022", 14)])
def test_query_count_is_the_same_at_2_and_at_50_counties(
    client: Client, city_user: User, url: str, expected: int
) -> None:
    counts = []
    for n, size in enumerate((2, 50)):
        city = _city(size, f"规模{n}市")
        _login(client, city_user, city)
        with CaptureQueriesContext(connection) as context:
            response = client.get(url.format(city.pk))
        assert response.status_code == 200
        counts.append(len(context.captured_queries))
        if "xlsx" not in url:
            assert len(response.context["rows"]) == size
    assert counts == [expected, expected]


def test_assess_plans_judges_each_plan_as_assess_plan_does_in_four_queries(
    db: None, django_assert_num_queries: object
) -> None:
    city = _city(5)
    plans = list(Plan.objects.filter(region__parent=city))
    Observation.objects.filter(year=2022, series__name="森林覆盖率").update(status="submitted")
    with django_assert_num_queries(4):  # type: ignore[operator]
        many = assess_plans(plans, Period(2022))
    for plan in plans:
        one = assess_plan(plan, Period(2022))
        assert [(a.indicator.pk, a.verdict) for a in many[plan.pk]] == [(a.indicator.pk, a.verdict) for a in one]
    preview = assess_plans(plans, Period(2022), include_pending=True)
    for plan in plans:
        one = assess_plan(plan, Period(2022), include_pending=True)
        assert [a.verdict for a in preview[plan.pk]] == [a.verdict for a in one]
    assert assess_plans([], Period(2022)) == {}


def _evaluate(*args: str) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("evaluate", *args, stdout=out)
    return out.getvalue()


def test_evaluate_region_judges_every_plan_below_with_the_region_on_each_row(db: None) -> None:
    import json

    city = _city(3)
    rows = json.loads(_evaluate("--region", "测试市", "--as-of", "2022", "--json"))
    assert {r["region"] for r in rows} == {"测试省测试市测试101县", "测试省测试市测试102县", "测试省测试市测试103县"}
    forest = {r["region"][-6:]: r["status"] for r in rows if r["name"] == "森林覆盖率"}
    assert forest == {"测试101县": "达到预期", "测试102县": "低于预期", "测试103县": "达到预期"}
    text = _evaluate("--region", str(city.pk), "--as-of", "2022")
    assert text.count("【测试省测试市") == 3
    one = json.loads(_evaluate("--region", "测试102县", "--plan", "测试102县十四五规划", "--as-of", "2022", "--json"))
    assert {r["plan"] for r in one} == {"测试102县十四五规划"}


def test_evaluate_refuses_an_ambiguous_name_and_lists_the_candidates(db: None) -> None:
    from django.core.management import CommandError

    province = Region.objects.create(name="测试省")
    for city_name in ("甲市", "乙市"):
        city = Region.objects.create(name=city_name, parent=province)
        county = Region.objects.create(name="城区", parent=city)
        Plan.objects.create(name="十四五规划", short_name="十四五", region=county, base_year=2020, end_year=2025)
    with pytest.raises(
        CommandError, match=r"行政区划“城区”有多个，请写全称或编号：\d+=测试省甲市城区、\d+=测试省乙市城区"
    ):
        _evaluate("--region", "城区", "--as-of", "2022")
    with pytest.raises(
        CommandError, match=r"规划“十四五”有多个.*测试省甲市城区 · 十四五规划、\d+=测试省乙市城区 · 十四五规划"
    ):
        _evaluate("--plan", "十四五", "--as-of", "2022")
    assert "十四五规划" in _evaluate("--region", "测试省乙市城区", "--plan", "十四五", "--as-of", "2022")
    with pytest.raises(CommandError, match="评估多个规划时请用 --as-of"):
        _evaluate("--region", "测试省")
    with pytest.raises(CommandError, match="找不到行政区划“无此区”"):
        _evaluate("--region", "无此区", "--as-of", "2022")


def test_evaluate_region_runs_the_same_queries_at_2_and_at_50_counties(db: None) -> None:
    counts = []
    for n, size in enumerate((2, 50)):
        city = _city(size, f"命令{n}市")
        with CaptureQueriesContext(connection) as context:
            _evaluate("--region", str(city.pk), "--as-of", "2022", "--json")
        counts.append(len(context.captured_queries))
    assert counts == [6, 6]  # the regions, the plans, assess_plans' four


def test_export_appendix_takes_region_with_plan_and_refuses_an_ambiguous_plan(db: None, tmp_path: object) -> None:
    from io import StringIO
    from pathlib import Path

    from django.core.management import CommandError, call_command

    _city(2)
    for plan in Plan.objects.all():
        plan.short_name = "十四五"
        plan.save()
    output = Path(str(tmp_path)) / "a.xlsx"
    with pytest.raises(CommandError, match="规划“十四五”有多个，请用 --region 指明行政区划"):
        call_command("export_appendix", "--plan", "十四五", "-o", str(output), stdout=StringIO())
    out = StringIO()
    call_command("export_appendix", "--region", "测试102县", "--plan", "十四五", "-o", str(output), stdout=out)
    assert "测试102县十四五规划" in out.getvalue() and output.exists()


def test_each_kind_of_change_re_judges_only_the_changed_countys_plan(
    client: Client, city_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verdicts are stored per plan (shared by every process); each change that can alter a verdict changes that
    plan's data version only, and the next view re-judges that one plan and shows the change."""
    from django.utils import timezone

    from indicators import services
    from reports import rollup
    from reports.models import PrecomputedVerdicts
    from tests.conftest import make_user

    city = _city(2)
    _login(client, city_user, city)
    url = f"/region/{city.pk}/?as_of=2022&sort=0"
    judged: list[list[str]] = []
    real = rollup.assess_plans

    def spy(plans: list[Plan], as_of: Period) -> object:
        judged.append([p.region.name for p in plans])
        return real(plans, as_of)

    monkeypatch.setattr(rollup, "assess_plans", spy)

    def view() -> dict[str, str]:
        """The forest verdict of each county, by county name (and what was re-judged for it)."""
        judged.clear()
        rows = client.get(url).context["rows"]
        return {r.region.name: r.cells[0].label for r in rows}

    assert view() == {"测试102县": "低于预期", "测试101县": "达到预期"} and judged == [["测试101县", "测试102县"]]
    assert PrecomputedVerdicts.objects.count() == 2
    view()
    assert judged == []  # nothing changed: served as stored
    lagging = Indicator.objects.get(plan__region__name="测试102县", name="森林覆盖率")
    other = Indicator.objects.get(plan__region__name="测试101县", name="森林覆盖率")
    admin = make_user("cache_admin", "管理员", None)
    reviewer = make_user("cache_reviewer", "审核员", None)

    # Approval: a figure entered and submitted changes nothing shown until it is approved.
    figure = services.observation_record(
        indicator=lagging, period=Period(2022), value=Decimal("34.5"), user=admin, reason="更正", submit=True
    ).observation
    assert view()["测试102县"] == "低于预期" and judged == [["测试102县"]]
    services.observation_approve(observation=figure, user=reviewer)
    assert view() == {"测试102县": "达到预期", "测试101县": "达到预期"} and judged == [["测试102县"]]
    # Manual verdict.
    services.manual_verdict_set(indicator=lagging, as_of=Period(2022), status="behind", reason="口径", user=reviewer)
    assert view()["测试102县"] == "低于预期" and judged == [["测试102县"]]
    # Target edit, in the other county.
    services.indicator_target_set(indicator=other, target_text="60", user=admin, reason="调整")
    assert view()["测试101县"] == "低于预期" and judged == [["测试101县"]]
    # Import (a bulk load, which leaves no history record: the figures' count and updated_at still change).
    Observation.objects.filter(series=other.series, year=2022).update(value=Decimal("61"), updated_at=timezone.now())
    assert view()["测试101县"] == "超出预期" and judged == [["测试101县"]]
    # Plan settings: the wording of a verdict.
    plan = lagging.plan
    plan.evaluation_settings = {"labels": {"behind": "进度滞后"}}
    plan.save()
    assert view()["测试102县"] == "进度滞后" and judged == [["测试102县"]]
    # Lock: the plan's verdicts are re-judged (a lock decides which figures may still change).
    services.period_lock(plan=other.plan, period=Period(2022), user=admin, reason="定稿")
    assert view()["测试101县"] == "超出预期" and judged == [["测试101县"]]
    # Print order (kept in no history): categories or indicators reordered, the stored order follows.
    Category.objects.filter(plan=plan).update(order=100 - F("order"))
    view()
    assert judged == [["测试102县"]]
    # A reorder that keeps the sum of id × order (ids a < b: 甲 0, 乙 a → 甲 b, 乙 0) is seen too.
    first, second = Category.objects.filter(plan=plan).order_by("pk")[:2]
    Category.objects.filter(pk=first.pk).update(order=0)
    Category.objects.filter(pk=second.pk).update(order=first.pk)
    view()
    Category.objects.filter(pk=first.pk).update(order=second.pk)
    Category.objects.filter(pk=second.pk).update(order=0)
    view()
    assert judged == [["测试102县"]]
    Indicator.objects.filter(pk=lagging.pk).update(order=F("order") + 50)
    view()
    assert judged == [["测试102县"]]
    view()
    assert judged == []


def test_the_stored_verdicts_are_shared_between_processes(client: Client, city_user: User) -> None:
    """A second server reads what the first stored: the rows live in the database, not in a process."""
    from reports.models import PrecomputedVerdicts

    city = _city(2)
    _login(client, city_user, city)
    url = f"/region/{city.pk}/?as_of=2022"

    def matrix(response: object) -> str:
        page = response.content.decode()  # type: ignore[attr-defined]
        return page[page.index('<table class="rollup-matrix">') : page.index("</table>")]

    with CaptureQueriesContext(connection) as cold:
        first = matrix(client.get(url))
    stored = {row.plan_id: row.version for row in PrecomputedVerdicts.objects.all()}
    assert len(stored) == 2
    with CaptureQueriesContext(connection) as warm:
        assert matrix(client.get(url)) == first
    assert len(warm.captured_queries) == len(cold.captured_queries) - 5  # no judging (four) and no upsert (one)
    assert {row.plan_id: row.version for row in PrecomputedVerdicts.objects.all()} == stored


def test_the_default_period_is_the_latest_that_half_the_indicators_report(client: Client, city_user: User) -> None:
    """Not the year of the newest figure of any kind: one county's early 2023 half-year figure must not move the
    roll-up to 2023 (where no county has data); the latest year or half year most indicators report is chosen."""
    city = _city(3)
    _login(client, city_user, city)
    gdp = Indicator.objects.filter(plan__region__name="测试101县", name="地区生产总值增长").get()
    approved(gdp, 2023, "6.0", "H1")
    page = client.get(f"/region/{city.pk}/")
    assert page.context["as_of"] == Period(2022)
    shares = [str(r.html).split('<div class="sub">')[1].split("</div>")[0] for r in page.context["rows"]]
    assert len(shares) == 3 and not any(s.startswith("0/") for s in shares)  # every county shows its figures
    for indicator in Indicator.objects.filter(plan__region__parent=city):  # now most report 2023年上半年
        if not Observation.objects.filter(series=indicator.series, year=2023).exists():
            approved(indicator, 2023, "1.0", "H1")
    assert client.get(f"/region/{city.pk}/").context["as_of"] == Period(2023, "H1")


def test_the_period_chooser_offers_half_years_in_order(client: Client, city_user: User) -> None:
    city = _city(2)
    _login(client, city_user, city)
    page = client.get(f"/region/{city.pk}/?as_of=2023H1")
    periods = page.context["periods"]
    assert periods[:4] == [Period(2021, "H1"), Period(2021), Period(2022, "H1"), Period(2022)]
    assert periods == sorted(periods) and Period(2023, "H1") in periods
    body = page.content.decode()
    assert '<option value="2023H1" selected>2023年上半年</option>' in body
    assert body.count('value="2023H1"') == 1


def test_the_ranking_orders_by_verdict_then_the_completion_shown(client: Client, city_user: User) -> None:
    """By verdict group, best first; within one, the counties that meet their target first (a bound met has no
    completion progress: it used to come after every county still on the way), then by the 完成进度 shown."""
    city = _city(4)
    forest = Indicator.objects.filter(plan__region__name="测试103县", name="森林覆盖率").get()
    Observation.objects.filter(series=forest.series, year=2022).update(value=Decimal("36.0"))  # beyond 35
    Indicator.objects.filter(plan__region__name="测试102县", name="森林覆盖率").update(
        target_text="≥30", target_kind="floor", target_value=Decimal(30)
    )  # 30.5 meets it
    _login(client, city_user, city)
    page = client.get(f"/region/{city.pk}/?as_of=2022&sort=0")
    ranking = page.context["ranking"]
    assert [(row.region.name, cell.label) for _, row, cell in ranking] == [
        ("测试103县", "超出预期"),
        ("测试102县", "达到预期"),
        ("测试101县", "达到预期"),
        ("测试104县", "低于预期"),
    ]
    shown = [cell.progress_text for _, _, cell in ranking]
    assert shown == ["完成进度 120.0%", "已达到目标", "完成进度 80.0%", "完成进度 10.0%"]
    body = page.content.decode()
    assert "完成进度 120.0%" in body and '<th scope="col">完成进度</th>' in body


def test_the_share_is_the_dashboards_and_a_group_names_its_figure(client: Client, plan_14th: Plan, admin: User) -> None:
    """The demo plan at 2023年上半年: 12 of 19 is 63.1% on the dashboard (the report's rounding), so in the roll-up
    too; the group 城镇就业 shows which part's figure it prints, on the page and in the Excel."""
    client.force_login(admin)
    dashboard = client.get(f"/?plan={plan_14th.pk}&as_of=2023H1")
    city = plan_14th.region.parent
    assert city is not None
    page = client.get(f"/region/{city.pk}/?as_of=2023H1")
    (row,) = page.context["rows"]
    assert row.share == dashboard.context["task_pct"] == Decimal("63.1")
    assert "63.1%" in str(row.html)
    rollup = page.context["rollup"]
    (column,) = [c for c in rollup.columns if c.name == "城镇就业"]
    cell = row.cell(column.index)
    assert cell.part == "城镇新增就业人数，万人"
    assert "（城镇新增就业人数，万人）" in str(row.html)
    book = load_workbook(io.BytesIO(client.get(f"/region/{city.pk}/xlsx/?as_of=2023H1").content))
    sheet = book[SHEET_MATRIX]
    n = 5 + 2 * column.index
    assert sheet.cell(2, n).value == "城镇就业" and sheet.cell(2, n + 1).value == "城镇就业结论"
    assert isinstance(sheet.cell(3, n).value, float)
    assert sheet.cell(3, n + 1).value == f"{cell.label}（城镇新增就业人数，万人）"


def test_a_target_exceeded_in_the_final_evaluation_shows_no_negative_progress(client: Client, city_user: User) -> None:
    """At the plan's end (总结评估) the evaluation gives no outlook; a county already beyond a level target at the base
    year still shows 已达到目标 (not "完成进度 -100.0%") and ranks first."""
    city = _city(2)
    forest = Indicator.objects.filter(plan__region__name="测试101县", name="森林覆盖率").get()
    Observation.objects.filter(series=forest.series, year=2020).update(value=Decimal("36.0"))  # base beyond 35
    approved(forest, 2025, "37.0")
    _login(client, city_user, city)
    page = client.get(f"/region/{city.pk}/?as_of=2025&sort=0")
    (first, *_) = page.context["ranking"]
    _, row, cell = first
    assert row.region.name == "测试101县" and cell.group.value == "exceeded"
    assert cell.progress_text == "已达到目标"


def test_a_county_with_too_few_indicators_up_to_date_shows_no_share(client: Client, city_user: User) -> None:
    """As the dashboard: no share (暂不判断) when fewer than half the indicators are up to date, not "0.0%" over
    "0/0"; such a county sorts last by share either way."""
    city = _city(2)
    _login(client, city_user, city)
    page = client.get(f"/region/{city.pk}/?as_of=2023")
    heads = {row.region.name: str(row.html).split("</td>")[0] for row in page.context["rows"]}
    # 测试101县: 1 of 3 up to date ("0.0%" over "0/1"); 测试102县: none ("0%" over "0/0", not even one decimal)
    assert not any("0.0%" in head or ">0%" in head for head in heads.values()), heads
    assert all("暂不判断" in head for head in heads.values())


def test_a_level_target_equal_to_its_base_and_kept_counts_as_reached(client: Client, city_user: User) -> None:
    """A level target equal to the base value (保持35%) and met has no completion and no outlook: it is reached, and
    ranks before the counties of its verdict still on the way."""
    city = _city(3)
    forest = Indicator.objects.filter(plan__region__name="测试103县", name="森林覆盖率").get()
    Observation.objects.filter(series=forest.series, year=2020).update(value=Decimal("35.0"))
    Observation.objects.filter(series=forest.series, year=2022).update(value=Decimal("35.2"))
    _login(client, city_user, city)
    ranking = client.get(f"/region/{city.pk}/?as_of=2022&sort=0").context["ranking"]
    shown = {row.region.name: (n, cell.label, cell.progress_text) for n, row, cell in ranking}
    assert shown["测试103县"][1] == shown["测试101县"][1] == "达到预期"
    assert shown["测试103县"] == (1, "达到预期", "已达到目标"), shown


def test_sorting_the_matrix_by_an_indicator_agrees_with_its_ranking(client: Client, city_user: User) -> None:
    """The matrix sorted by a column (and the bar chart's order) follows the ranking table printed under it."""
    city = _city(4)
    forest = Indicator.objects.filter(plan__region__name="测试103县", name="森林覆盖率").get()
    Observation.objects.filter(series=forest.series, year=2022).update(value=Decimal("36.0"))
    Indicator.objects.filter(plan__region__name="测试102县", name="森林覆盖率").update(
        target_text="≥30", target_kind="floor", target_value=Decimal(30)
    )
    _login(client, city_user, city)
    page = client.get(f"/region/{city.pk}/?as_of=2022&sort=0&dir=desc")
    best_first = [row.region.name for _, row, _ in page.context["ranking"]]
    assert [row.region.name for row in page.context["rows"]] == best_first
    page = client.get(f"/region/{city.pk}/?as_of=2022&sort=0")
    worst_first = [row.region.name for row in page.context["rows"]]
    assert worst_first == best_first[::-1]
