"""The report pages over HTTP: who may see and edit what, the as-of and plan selectors, filters, the
download, and a fixed number of SQL queries at 19 and at 500 indicators."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import Client
from openpyxl import load_workbook

from indicators import services
from indicators.assessment import latest_period_with_data
from indicators.models import (
    AlternativeReading,
    Category,
    Indicator,
    ManualVerdict,
    Observation,
    Plan,
    ReviewStatus,
)
from indicators.periods import Period
from indicators.xlsx_layout import SHEET_APPENDIX1
from reports import selection
from reports.filters import FILTER_INVALID
from reports.models import ReasonNote
from reports.permissions import FORBIDDEN_EDIT_REASON
from tests.builders import build_plan
from tests.conftest import make_user

AS_OF = "as_of=2023H1"
PERSONAS = ["clerk", "other_clerk", "reviewer", "leader", "admin"]


def _login(client: Client, request: pytest.FixtureRequest, persona: str) -> User | None:
    user = request.getfixturevalue(persona)
    if user is not None:
        client.force_login(user)
    return user


def _gdp(plan: Plan) -> Indicator:
    return Indicator.objects.get(plan=plan, name="地区生产总值增长")


def _pages(plan: Plan) -> list[str]:
    return [
        f"/?{AS_OF}",
        f"/appendix/1/?{AS_OF}",
        f"/appendix/1/xlsx/?{AS_OF}",
        f"/appendix/2/?{AS_OF}",
        f"/narrative/?{AS_OF}",
        f"/indicator/{_gdp(plan).pk}/?{AS_OF}",
        "/context/",
    ]


@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS])
def test_every_page_needs_a_login_and_is_open_to_every_role(
    client: Client, plan_14th: Plan, request: pytest.FixtureRequest, persona: str
) -> None:
    user = _login(client, request, persona)
    for url in _pages(plan_14th):
        response = client.get(url)
        if user is None:
            assert response.status_code == 302 and "/login/" in response["Location"], url
        else:
            assert response.status_code == 200, url


# --- 附件2: who may edit the 主要原因 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("clerk", 403), ("other_clerk", 403), ("leader", 403), ("reviewer", 302), ("admin", 302)],
)
def test_reason_edit_matrix(
    client: Client, plan_14th: Plan, request: pytest.FixtureRequest, persona: str, status: int
) -> None:
    user = _login(client, request, persona)
    gdp = _gdp(plan_14th)
    response = client.post("/appendix/2/", {"indicator": gdp.pk, "as_of": "2023H1", "text": "受疫情影响。"})
    assert response.status_code == status
    saved = ReasonNote.objects.filter(indicator=gdp, year=2023, part="H1").first()
    if persona in ("reviewer", "admin"):
        assert response["Location"].endswith(f"/appendix/2/?plan={plan_14th.pk}&as_of=2023H1#reason-{gdp.pk}")
        assert saved is not None and saved.text == "受疫情影响。" and saved.updated_by == user
        assert saved.history.count() == 1
    else:
        assert saved is None
    if status == 403:
        assert response.content.decode() == FORBIDDEN_EDIT_REASON


def test_superuser_may_edit_and_sees_the_form(client: Client, plan_14th: Plan) -> None:
    boss = make_user("boss", None, is_superuser=True)
    client.force_login(boss)
    assert "<textarea" in client.get(f"/appendix/2/?{AS_OF}").content.decode()
    gdp = _gdp(plan_14th)
    client.post("/appendix/2/", {"indicator": gdp.pk, "as_of": "2023H1", "text": "一"})
    client.post("/appendix/2/", {"indicator": gdp.pk, "as_of": "2023H1", "text": "二"})
    note = ReasonNote.objects.get(indicator=gdp)
    assert note.text == "二" and note.history.count() == 2


def test_leader_reads_the_reasons_without_a_form(client: Client, plan_14th: Plan, leader: User) -> None:
    ReasonNote.objects.create(plan=plan_14th, indicator=_gdp(plan_14th), year=2023, part="H1", text="疫情多轮散发")
    client.force_login(leader)
    body = client.get(f"/appendix/2/?{AS_OF}").content.decode()
    assert "疫情多轮散发" in body and "<textarea" not in body
    assert body.count('class="reason panel"') == 4  # the four indicators below expectation
    assert "后三年需年均增长8.2%" in body and "36.1%" in body  # required rate, completion


def test_the_reason_service_holds_the_rule_not_the_view(
    plan_14th: Plan, leader: User, reviewer: User, county2_reviewer: User
) -> None:
    """The 主要原因 rule lives in reports.services: reviewers and admins of the plan's region, for a lagging
    indicator only; a caller other than the page gets the same answers."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404

    from reports.services import REASON_NOT_BEHIND, reason_note_save

    gdp = _gdp(plan_14th)
    with pytest.raises(PermissionDenied, match=FORBIDDEN_EDIT_REASON):
        reason_note_save(indicator=gdp, as_of=Period.parse("2023H1"), text="x", user=leader)
    with pytest.raises(Http404):
        reason_note_save(indicator=gdp, as_of=Period.parse("2023H1"), text="x", user=county2_reviewer)
    on_track = Indicator.objects.get(plan=plan_14th, name="城镇新增就业人数")
    with pytest.raises(ValidationError) as error:
        reason_note_save(indicator=on_track, as_of=Period.parse("2023H1"), text="x", user=reviewer)
    assert error.value.messages == [REASON_NOT_BEHIND]
    note = reason_note_save(indicator=gdp, as_of=Period.parse("2023H1"), text=" 受疫情影响。", user=reviewer)
    assert (note.text, note.updated_by, note.plan) == ("受疫情影响。", reviewer, plan_14th)
    assert not ReasonNote.objects.filter(indicator=on_track).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"as_of": "2023H1", "text": "x" * 4001}, "主要原因不能超过 4000 个字。"),
        ({"as_of": "2023Z", "text": "x"}, "期间格式不正确"),
        ({"as_of": "2030", "text": "x"}, "评估期不在规划期内。"),
    ],
)
def test_bad_reason_posts_say_why_in_chinese(
    client: Client, plan_14th: Plan, reviewer: User, data: dict[str, str], message: str
) -> None:
    client.force_login(reviewer)
    response = client.post("/appendix/2/", {"indicator": _gdp(plan_14th).pk, **data}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReasonNote.objects.exists()


def test_reason_only_for_an_indicator_below_expectation(client: Client, plan_14th: Plan, reviewer: User) -> None:
    client.force_login(reviewer)
    forest = Indicator.objects.get(plan=plan_14th, name="森林覆盖率")
    response = client.post("/appendix/2/", {"indicator": forest.pk, "as_of": "2023H1", "text": "x"}, follow=True)
    assert "不属于低于预期的指标" in response.content.decode()
    assert client.post("/appendix/2/", {"indicator": "abc", "as_of": "2023H1"}).status_code == 404


# --- selectors, filters, download ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("as_of=2023X9", "评估期“2023X9”无法识别（请写作 2023、2023H1 或 2023Q3），已改为显示{default}。"),
        ("as_of=2030", "评估期2030年不在规划期（2021–2025年）内，已改为显示{default}。"),
        ("as_of=2020", "评估期2020年不在规划期（2021–2025年）内，已改为显示{default}。"),
        ("plan=999999", "未找到所选规划，已改为显示卧龙区“十四五”规划。"),
    ],
)
def test_bad_selection_falls_back_with_a_chinese_message(
    client: Client, plan_14th: Plan, leader: User, query: str, message: str
) -> None:
    client.force_login(leader)
    message = message.format(default=selection.default_as_of(plan_14th).label)  # the engine's default as-of
    urls = ["/", "/appendix/1/", "/appendix/2/", "/narrative/"]
    if not query.startswith("plan="):  # an indicator page's plan is the indicator's
        urls.append(f"/indicator/{_gdp(plan_14th).pk}/")
    for url in urls:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, url
        assert message in response.content.decode(), url


def test_default_as_of_is_the_latest_period_with_data(client: Client, plan_14th: Plan, leader: User) -> None:
    client.force_login(leader)
    default = latest_period_with_data(plan_14th)
    assert default is not None and default >= Period(2023, "H1")
    response = client.get("/appendix/1/")
    assert f'<option value="{default.code}" selected>' in response.content.decode()
    assert response.context["report"].appendix.columns[-1] <= default


@pytest.mark.parametrize("as_of", ["2023Q3", "2023年上半年", "2022", "2025H2"])
def test_any_period_of_the_plan_can_be_chosen(client: Client, plan_14th: Plan, leader: User, as_of: str) -> None:
    client.force_login(leader)
    response = client.get("/appendix/1/", {"as_of": as_of})
    chosen = Period.parse(as_of)
    assert f'<option value="{chosen.code}" selected>' in response.content.decode()


def test_plan_selector_only_with_several_plans(client: Client, plan_14th: Plan, leader: User) -> None:
    client.force_login(leader)
    assert 'name="plan"' not in client.get("/").content.decode()
    other = build_plan(3, name="十五五测试")
    body = client.get("/").content.decode()
    assert 'name="plan"' in body
    body = client.get("/appendix/1/", {"plan": str(other.pk), "as_of": "2022"}).content.decode()
    assert "十五五测试" in body and "地区生产总值增长1" in body
    assert f"plan={other.pk}" in body  # kept in the links (nav, download, indicator pages)


@pytest.mark.parametrize(
    ("filters", "rows"),
    [
        ({}, 21),
        ({"category": "经济发展"}, 3),
        ({"category": "民生福祉"}, 9),
        ({"attribute": "约束性"}, 6),
        ({"verdict": "低于预期"}, 4),
        ({"verdict": "完成市定目标", "attribute": "约束性"}, 2),
        ({"category": "安全保障", "verdict": "低于预期"}, 0),
    ],
)
def test_appendix1_filters(client: Client, plan_14th: Plan, leader: User, filters: dict[str, str], rows: int) -> None:
    client.force_login(leader)
    response = client.get("/appendix/1/", {"as_of": "2023H1", **filters})
    table = response.context["table"]
    assert len(table.rows) == rows
    if rows == 0:
        assert "没有符合筛选条件的指标。" in response.content.decode()


# The body loop the 附件1 template had before ``AppendixTable.body_html`` rendered it in one pass: the reference.
STOCK_ROWS = """{% for row in table.paginated_rows %}
    <tr class="status-row {% if row.record.row.group_id %}child{% endif %}">
    {% for column, cell in row.items %}
      {% if column.name == "seq" %}
        {% if row.record.seq_span %}<td class="c seq" rowspan="{{ row.record.seq_span }}">{{ cell }}</td>{% endif %}
      {% elif column.name == "category" %}
        {% if row.record.category_span %}
          <td class="c cat" rowspan="{{ row.record.category_span }}">{{ cell }}</td>
        {% endif %}
      {% elif column.name == "name" %}
        {% if row.record.row.group_id %}
          {% if row.record.group_span %}
            <td class="group" rowspan="{{ row.record.group_span }}">{{ row.record.row.group }}</td>
          {% endif %}
          <td class="name">{{ cell }}</td>
        {% else %}
          <td class="name" colspan="2">{{ cell }}</td>
        {% endif %}
      {% else %}
        <td {{ column.attrs.td.as_html }}>{{ cell }}</td>
      {% endif %}
    {% endfor %}
    </tr>
  {% endfor %}"""


@pytest.mark.parametrize("query", ["as_of=2023H1", "as_of=2022", "as_of=2023H1&verdict=低于预期", "preview=1"])
def test_appendix1_rows_are_those_of_the_template_loop(
    client: Client, plan_14th: Plan, reviewer: User, query: str
) -> None:
    client.force_login(reviewer)
    table = client.get(f"/appendix/1/?{query}").context["table"]
    stock = Template(STOCK_ROWS).render(Context({"table": table}))

    def squeezed(html: str) -> str:
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()

    assert "<td" in stock
    assert squeezed(table.body_html()) == squeezed(stock)


def test_unknown_filter_value_shows_everything_with_a_message(client: Client, plan_14th: Plan, leader: User) -> None:
    client.force_login(leader)
    response = client.get("/appendix/1/", {"as_of": "2023H1", "verdict": "<script>"})
    assert len(response.context["table"].rows) == 21
    assert FILTER_INVALID in response.content.decode()


def test_appendix1_page_shows_the_report_table(client: Client, plan_14th: Plan, leader: User) -> None:
    client.force_login(leader)
    body = client.get(f"/appendix/1/?{AS_OF}").content.decode()
    assert '<td class="c cat" rowspan="3">经济发展</td>' in body
    assert '<td class="group" rowspan="2">城镇就业</td>' in body
    assert '<td class="c seq" rowspan="2">8</td>' in body
    assert "0.3470" in body and "64.54" in body and "＜5.5" in body
    assert 'class="verdict st-behind">低于预期</span>' in body
    assert "（人工研判）" in body and "人工研判理由：按市下达目标" in body
    assert f'href="/indicator/{_gdp(plan_14th).pk}/?as_of=2023H1"' in body
    assert "其他口径 4.2（002 中期评估报告 附件2 未达时序进度原因分析）" in body
    assert "占比63.1%" in body
    for header in ("2020年", "2021年", "2022年", "2023年上半年", "2025年"):
        assert f'<th scope="col">{header}</th>' in body


def test_download_is_the_appendix_workbook(client: Client, plan_14th: Plan, leader: User) -> None:
    client.force_login(leader)
    response = client.get(f"/appendix/1/xlsx/?{AS_OF}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''%E9%99%84%E4%BB%B61_" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book[SHEET_APPENDIX1]["A1"].value.endswith("（中期评估，截至2023年上半年）")


def test_indicator_page(client: Client, plan_14th: Plan, leader: User, reviewer: User) -> None:
    gdp = _gdp(plan_14th)
    forest = Indicator.objects.get(plan=plan_14th, name="单位生产总值能源消耗降幅")
    verdict = ManualVerdict.objects.get(indicator=forest)
    verdict.reason = "复核后维持"
    verdict._history_user = reviewer  # type: ignore[attr-defined]
    verdict.save()
    client.force_login(leader)
    body = client.get(f"/indicator/{gdp.pk}/?{AS_OF}").content.decode()
    assert body.count('class="plotly-graph-div"') == 1
    assert "后三年需年均增长8.2%" in body and "预计实现规划目标存在一定难度" in body
    assert "002 中期评估报告 附件5 起草说明" in body  # an alternative reading with its source
    assert "按几何平均计算年均增长6.0%" in body  # the engine's explanation
    body = client.get(f"/indicator/{forest.pk}/?{AS_OF}").content.decode()
    assert "复核后维持" in body and "发改委审核员" in body and "（人工研判）" in body
    parent = Indicator.objects.get(plan=plan_14th, name="城镇就业")
    body = client.get(f"/indicator/{parent.pk}/?{AS_OF}").content.decode()
    assert body.count('class="plotly-graph-div"') == 2  # one chart per sub-indicator
    assert client.get("/indicator/999999/").status_code == 404


def test_dashboard(client: Client, plan_14th: Plan, leader: User) -> None:
    client.force_login(leader)
    response = client.get(f"/?{AS_OF}")
    body = response.content.decode()
    assert body.count('class="plotly-graph-div"') == 3
    assert "时间进度 <b>50.0%</b>" in body and "<b>63.1%</b>" in body and "任务进度不低于时间进度" in body
    laggards = [t.name for t, _ in response.context["laggards"]]
    assert laggards == ["地区生产总值增长", "常住人口城镇化率", "研发经费投入增长", "城乡居民人均可支配收入增长率"]


def test_dashboard_lists_binding_laggards_first(client: Client, plan_14th: Plan, leader: User) -> None:
    forest = Indicator.objects.get(plan=plan_14th, name="森林覆盖率")  # 约束性
    Observation.objects.filter(series=forest.measured_series, year=2023).update(value=Decimal("9.5"), decimals=1)
    client.force_login(leader)
    laggards = [t.name for t, _ in client.get(f"/?{AS_OF}").context["laggards"]]
    assert laggards[0] == "森林覆盖率" and len(laggards) == 5


def test_pages_without_any_plan_say_how_to_load_one(client: Client, leader: User) -> None:
    client.force_login(leader)
    for url in ("/", "/appendix/1/", "/appendix/2/", "/narrative/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "seed_demo" in response.content.decode()
    assert client.get("/appendix/1/xlsx/").status_code == 302


# --- a fixed number of queries, whatever the number of indicators ----------------------------------


def _big_plan(indicators: int) -> tuple[Plan, Indicator]:
    """``build_plan`` plus what the pages also read: a parent with two sub-indicators, a 2023H1 value,
    an alternative reading, a manual verdict and a 主要原因 note."""
    plan = build_plan(indicators)
    category = Category.objects.filter(plan=plan).first()
    assert category is not None
    parent = services.indicator_save(
        indicator=Indicator(plan=plan, category=category, seq="99", order=999, name="城镇就业", unit=""),
        user=None,
        grouping=True,
    )
    for i, (name, target) in enumerate((("新增就业", "3.5"), ("失业率", "＜5.5"))):
        child = Indicator(
            plan=plan, category=category, parent=parent, order=1000 + i, name=f"{name}{indicators}", unit="%"
        )
        child.target_text = target
        services.indicator_save(indicator=child, user=None)
        Observation.objects.create(
            series=child.measured_series, year=2021, value=Decimal("1.0"), decimals=1, status="approved"
        )
    first = Indicator.objects.filter(plan=plan, parent=None).order_by("order").first()
    assert first is not None
    obs = Observation.objects.create(
        series=first.measured_series,
        year=2023,
        part="H1",
        value=Decimal("4.0"),
        decimals=1,
        status=ReviewStatus.APPROVED,
    )
    AlternativeReading.objects.create(observation=obs, value=Decimal("4.2"), decimals=1, source="另一来源")
    ManualVerdict.objects.create(indicator=first, year=2023, part="H1", status="behind", reason="测试")
    ReasonNote.objects.create(plan=plan, indicator=first, year=2023, part="H1", text="原因")
    return plan, first


# Queries per page (a missing ?plan adds one: the default plan; a missing as_of adds one: the latest period):
#   every page: session, user, the user's groups (navigation; 附件2 needs them anyway: may edit?);
#   report pages: the user's home region, the region tree, the plan list, the default plan (issue 12: the
#   region chooser and the user's scope);  the Excel download renders no page: no groups;
#   build_report: indicators, observations, assigned targets, manual verdicts, alternative readings,
#   reason notes;  dashboard: + 2 project-summary aggregates;
#   indicator page (its own plan, no default needed): the indicator, the plan list, its indicators,
#   observations, assigned targets, manual verdicts, alternative readings, manual-verdict history, and the
#   other plans' indicators reading the same series (one more since figures belong to series).
EXPECTED_QUERIES = {
    "/?as_of=2023H1": 15,
    "/appendix/1/?as_of=2023H1": 13,
    "/appendix/1/xlsx/?as_of=2023H1": 12,
    "/appendix/2/?as_of=2023H1": 13,
    "/narrative/?as_of=2023H1": 13,
    "/appendix/1/": 14,  # + latest period with data
    "indicator": 14,  # + the home region, + the other plans reading the same series
}


@pytest.mark.parametrize("indicators", [19, 500])
@pytest.mark.parametrize("page", list(EXPECTED_QUERIES))
def test_query_count_does_not_grow_with_indicators(
    client: Client, leader: User, django_assert_num_queries: Any, indicators: int, page: str
) -> None:
    _, first = _big_plan(indicators)
    client.force_login(leader)
    url = f"/indicator/{first.pk}/?as_of=2023H1" if page == "indicator" else page
    with django_assert_num_queries(EXPECTED_QUERIES[page]):
        response = client.get(url)
    assert response.status_code == 200
    if page.startswith("/appendix/1/?"):
        assert len(response.context["table"].rows) == indicators + 2


def test_selection_queries(rf: Any, plan_14th: Plan, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(3):  # the region tree, the plan list, the default plan
        chosen = selection.select(rf.get("/", {"as_of": "2023H1"}))
    assert chosen.as_of == Period(2023, "H1") and chosen.query == "as_of=2023H1"
    with django_assert_num_queries(2):  # a plan asked for by id: the region tree and the plan list
        selection.select(rf.get("/", {"as_of": "2023H1", "plan": str(plan_14th.pk)}))
    with django_assert_num_queries(4):  # the region tree, the plan list, the default plan, the latest period
        chosen = selection.select(rf.get("/"))
    assert chosen.as_of == latest_period_with_data(plan_14th)


def test_every_row_of_appendix_1_links_to_a_working_page(client: Client, plan_14th: Plan, leader: User) -> None:
    """Sub-indicator rows link to their parent's page, where both sub-indicators are charted."""
    client.force_login(leader)
    nurses = Indicator.objects.get(plan=plan_14th, name="每千人口注册护士数")
    response = client.get(f"/indicator/{nurses.pk}/", {"as_of": "2023H1"})
    assert response.status_code == 302
    assert response["Location"] == f"/indicator/{nurses.parent_id}/?as_of=2023H1#chart-{nurses.pk}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "每千人口注册护士数" in page.content.decode()
    for item in Indicator.objects.of_plan(plan_14th):
        assert client.get(f"/indicator/{item.pk}/", follow=True).status_code == 200, item.name
