import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Plan
from tests.builders import build_plan

# The fixture plan is loaded once for this module; each test's writes still roll back (conftest: plan_14th_once).
pytestmark = pytest.mark.usefixtures("plan_14th_once")


def run(*args: str) -> str:
    out = StringIO()
    call_command("evaluate", *args, stdout=out)
    return out.getvalue()


def test_json_has_one_object_per_row_with_the_reports_verdicts(plan_14th: Plan) -> None:
    rows = json.loads(run("--as-of", "2023H1", "--json"))
    assert len(rows) == 23  # 19 indicators, 2 of them with 2 sub-indicators each
    gdp = rows[0]
    assert set(gdp) >= {
        "seq",
        "name",
        "parent",
        "attribute",
        "kind",
        "computed_status",
        "status",
        "manual",
        "completion",
        "time_progress",
        "required_rate",
        "outlook",
        "explanation",
    }
    assert (gdp["seq"], gdp["status"], gdp["manual"], gdp["time_progress"]) == ("1", "低于预期", False, 0.5)
    assert gdp["required_rate"] == pytest.approx(8.16, abs=0.01)
    nurses = next(r for r in rows if r["name"] == "每千人口注册护士数")
    assert (nurses["parent"], nurses["seq"], nurses["status"]) == ("每千人口卫生技术人员数", "10", "超出预期")
    air = next(r for r in rows if r["name"] == "城市空气优良天数比率")
    assert (air["computed_status"], air["status"], air["manual"]) == ("待研判", "完成市定目标", True)


def test_text_output_is_a_table_with_the_summary(plan_14th: Plan) -> None:
    out = run("--plan", plan_14th.name, "--as-of", "2023H1")
    assert "时序进度 50.0%" in out
    assert "后三年需年均增长8.2%" in out
    assert "达到或超过预期12项（其中超出预期1项），低于预期4项，暂无数据3项" in out


def test_plan_can_be_given_by_id_and_as_of_defaults_to_latest_data(plan_14th: Plan) -> None:
    assert "截至2023年上半年" in run("--plan", str(plan_14th.pk))


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--as-of", "2023H3"], "期间格式不正确"), (["--plan", "不存在的规划", "--as-of", "2023"], "找不到规划")],
)
def test_bad_arguments_give_chinese_errors(plan_14th: Plan, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_without_plan_the_pages_default_plan_is_evaluated(plan_14th: Plan) -> None:
    """Several plans: the one the pages open on (here the plan with the latest approved figures), not an error."""
    build_plan(3, name="十五五")  # figures up to 2022 only
    assert run("--as-of", "2023").startswith(plan_14th.name)
