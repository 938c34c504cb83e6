"""The real project fixture of the seeds: named projects, their figures, summaries, and a render smoke test."""

from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from indicators.models import Plan
from projects.models import Domain, InvestmentSummary, ProgressNote, Project, ProjectInvestment, Stage, SummaryScope
from projects.seed import load_projects_fixture
from projects.summary import projects_dashboard
from tests.conftest import make_user

# The fixture plan is loaded once for this module; each test's writes still roll back (conftest: plan_14th_once).
pytestmark = pytest.mark.usefixtures("plan_14th_once")

D = Decimal

# (a distinctive part of the name, total investment 亿元 or None, text the scale must contain, stage, source)
NAMED = [
    ("高端铝型材", None, "年产30万吨高端铝型材", Stage.IN_PRODUCTION, "附件3 1.先进制造业"),
    ("智能手机零部件", D("5.6"), "2000万片", Stage.IN_PRODUCTION, "001"),
    ("卧龙艾草产业园", D("30"), "1500亩", Stage.IN_PRODUCTION, "001"),
    ("卧龙岗文化园", None, "", Stage.COMPLETED, "附件3 2.现代服务业"),
    ("豫资海元南阳城市产业综合体", None, "5000亩", Stage.UNDER_CONSTRUCTION, "附件3 6.基础设施"),
    ("南阳产投食品产业园", None, "", Stage.IN_PRODUCTION, "000"),
    ("金誉科技", None, "5万吨食品材料包装", Stage.IN_PRODUCTION, "004"),
    ("中牧牧原生物药业", None, "", Stage.IN_PRODUCTION, "003"),
    ("居然之家南阳旗舰店", None, "", Stage.IN_PRODUCTION, "003"),
    ("众德", None, "350万套", Stage.UNDER_CONSTRUCTION, "004"),
    ("豫资青果", None, "", Stage.UNDER_CONSTRUCTION, "004"),
    ("水系连通及水美乡村", D("4.65"), "118公里", Stage.COMPLETED, "001"),
    ("乡村振兴基础设施建设PPP", D("8.9"), "", Stage.UNDER_CONSTRUCTION, "附件3 3.乡村振兴"),
    ("王村污水处理厂尾水湿地", D("0.7936"), "已到位资金1649万元", Stage.UNDER_CONSTRUCTION, "附件3 7.生态保护"),
    ("南水北调中线工程总干渠", D("1.34"), "", Stage.UNDER_CONSTRUCTION, "附件3 7.生态保护"),
    ("白河航道卧龙段", D("41"), "41.2公里", "", "附件3 6.基础设施"),
    ("鸭西灌区", D("40"), "", "", "003"),
]


@pytest.fixture(scope="module")
def _projects_once(plan_14th_once: int, django_db_blocker: Any) -> None:
    """The project fixture, loaded once for the module inside plan_14th_once's transaction (rolled back after)."""
    with django_db_blocker.unblock():
        load_projects_fixture()


@pytest.fixture
def loaded(_projects_once: None, plan_14th: Plan) -> Plan:
    return plan_14th


@pytest.mark.parametrize(("part", "total", "scale", "stage", "source"), NAMED, ids=[n[0] for n in NAMED])
def test_named_projects_carry_their_seed_figures(
    loaded: Plan, part: str, total: Decimal | None, scale: str, stage: str, source: str
) -> None:
    project = Project.objects.get(name__contains=part)
    assert project.total_investment == total
    assert scale in project.scale
    assert project.stage == stage
    assert source in project.source
    assert project.region == loaded.region and project.plan == loaded


def test_every_project_has_a_source_and_dated_notes_and_no_guessed_figures(loaded: Plan) -> None:
    projects = list(Project.objects.all())
    assert len(projects) >= 90
    assert {p.domain for p in projects} == set(Domain.values)  # all eight fields of 附件3 are represented
    for project in projects:
        assert project.source, project.name
        assert project.notes.exists(), project.name
    # The seeds name no project's level, batch or yearly figures: none may be invented.
    assert not Project.objects.exclude(level="").exists()
    assert not Project.objects.exclude(batch="").exists()
    assert not ProjectInvestment.objects.exists()
    assert not ProgressNote.objects.filter(source="").exists()


def test_approximate_figures_stay_text(loaded: Plan) -> None:
    update = Project.objects.get(name__contains="光武片区和卧龙岗西南片区")
    assert update.total_investment is None and "约200亿元" in update.scale
    chemical = Project.objects.get(name__startswith="化纤厂")
    assert chemical.total_investment is None and "第一期投资30亿元" in chemical.scale


@pytest.mark.parametrize(
    ("year", "part", "scope", "count", "total", "planned", "completed"),
    [
        (2021, "", SummaryScope.PROVINCE, 7, D("95.4"), D("19.6"), None),
        (2021, "", SummaryScope.CITY, 13, D("25.2"), None, None),
        (2022, "", SummaryScope.PROVINCE, 10, D("196.91"), D("86.52"), None),
        (2022, "", SummaryScope.CITY, 54, D("260.54"), None, None),
        (2022, "", SummaryScope.SIGNED, 11, D("145.1"), D("35.15"), None),
        (2022, "", SummaryScope.THREE_BATCHES, 139, None, None, None),
        (2023, "", SummaryScope.PROVINCE_CITY, None, None, None, D("605")),
        (2024, "H1", SummaryScope.PROVINCE_CITY, 100, None, D("273"), D("173.9")),
        (2024, "", SummaryScope.PROVINCE_CITY, 79, None, None, D("255.7")),
        (2025, "", SummaryScope.PROVINCE, 4, None, None, None),
    ],
)
def test_yearly_summary_records(
    loaded: Plan,
    year: int,
    part: str,
    scope: str,
    count: int | None,
    total: Decimal | None,
    planned: Decimal | None,
    completed: Decimal | None,
) -> None:
    record = InvestmentSummary.objects.filter(year=year, part=part, scope=scope).order_by("order").first()
    assert record is not None
    assert (record.project_count, record.total_investment, record.planned, record.completed) == (
        count,
        total,
        planned,
        completed,
    )
    assert record.source


def test_loader_is_idempotent_and_keeps_corrections(loaded: Plan) -> None:
    counts = (Project.objects.count(), ProgressNote.objects.count(), InvestmentSummary.objects.count())
    Project.objects.filter(name__contains="白河航道").update(total_investment=D("42"))
    result = load_projects_fixture()
    assert result.total == 0
    assert (Project.objects.count(), ProgressNote.objects.count(), InvestmentSummary.objects.count()) == counts
    assert Project.objects.get(name__contains="白河航道").total_investment == D("42")


def test_generated_sentences_from_the_seed_figures(loaded: Plan) -> None:
    data = projects_dashboard(loaded.region, 2022)
    sentences = "\n".join(data.recorded_sentences)
    assert (
        "2022年，纳入省重点项目10个，总投资196.91亿元，年度计划投资86.52亿元；纳入市重点项目54个，总投资260.54亿元"
        in sentences
    )
    assert "2021年，" in sentences and "纳入省重点项目7个，总投资95.4亿元，年度计划投资19.6亿元" in sentences
    assert "完成省市重点项目投资605亿元" in sentences
    assert "2024年上半年，实施省市重点项目100个，年度计划投资273亿元，完成投资173.9亿元" in sentences
    # N001 confirms the 2021 signing figures; the sentence says them once.
    assert sentences.count("35个，总投资267.6亿元") == 1
    # Registered projects have no yearly records: every compared record shows a difference.
    province_2022 = next(
        c for c in data.comparisons if c.record.year == 2022 and c.record.scope == SummaryScope.PROVINCE
    )
    assert province_2022.computed is not None and province_2022.computed.count == 0
    assert province_2022.disagrees and province_2022.differences.count == 10  # type: ignore[union-attr]


def test_every_project_page_renders_with_the_real_fixtures(client: Client, loaded: Plan) -> None:
    client.force_login(make_user("viewer", "领导"))
    for url in ["/projects/", "/projects/dashboard/", "/projects/?year=2022", "/projects/export.xlsx?year=2022"]:
        assert client.get(url).status_code == 200, url
    for pk in Project.objects.values_list("pk", flat=True):
        response = client.get(f"/projects/{pk}/")
        assert response.status_code == 200
        assert "进展情况" in response.content.decode()


def test_fixture_figures_are_approved_and_count(loaded: Plan) -> None:
    """Seed figures need no review: every total is approved, nothing waits, and the totals count."""
    assert not Project.objects.exclude(total_status="approved").exists()
    assert not Project.objects.filter(total_pending__isnull=False).exists()
    totals = [p.total_investment or D(0) for p in Project.objects.filter(total_investment__isnull=False)]
    assert len(totals) >= 10
    summary = projects_dashboard(loaded.region, 2025).summary  # every project exists by 2025
    assert summary.total_investment == sum(totals, D(0))
    assert summary.total_project_count == len(totals)
    # a year's summary counts only the projects that existed then (issue 14)
    then = [
        p.total_investment or D(0) for p in Project.objects.existing_in(2022).filter(total_investment__isnull=False)
    ]
    early = projects_dashboard(loaded.region, 2022).summary
    assert early.total_investment == sum(then, D(0)) and early.project_count < summary.project_count


# --- projects as of their year (issue 14) -------------------------------------------------------------


def test_export_for_2022_holds_nothing_dated_after_2022(loaded: Plan, tmp_path: Path) -> None:
    """`manage.py export_projects --year 2022`: no note or stage dated after 2022, no project first known
    after 2022, totals with two decimals and the count of projects they cover."""
    out = tmp_path / "2022.xlsx"
    call_command("export_projects", "--year", "2022", "-o", str(out), stdout=StringIO())
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]
    existing = {p.name: p for p in Project.objects.existing_in(2022)}
    assert rows and len(rows) == len(existing) < Project.objects.count()
    for row in rows:
        project = existing[str(row[1])]  # only projects known by 2022
        note = str(row[8] or "")
        assert not note or note[:10] <= "2022-12-31", (row[1], note)
        # the stage set today is never shown for 2022: only what the project's own years say by then
        expected = "竣工" if project.end_year and project.end_year <= 2022 else ""
        if not expected and project.start_year and project.start_year <= 2022:
            expected = "开工在建"
        assert (row[3] or "") == expected, row[1]
    totals = [r for r in sheet.iter_rows(min_row=3) if isinstance(r[1].value, str) and "项目有投资数据" in r[1].value]
    assert totals and all(c.number_format == "0.00" for r in totals for c in r[4:7])
    for r in totals:
        for cell in r[4:7]:
            assert cell.value is None or D(str(cell.value)) == D(str(cell.value)).quantize(D("0.01"))
    grand = totals[-1][1].value
    covered = sum(1 for r in rows if any(v is not None for v in r[4:7]))
    assert grand == f"合计（{covered}个项目有投资数据）"


def test_a_project_first_planned_in_2025_is_not_in_earlier_years(loaded: Plan) -> None:
    planned_2025 = Project.objects.get(name="衡达涌金高油酸花生种植加工项目")  # only known from the 2025 plan
    assert planned_2025 not in Project.objects.existing_in(2022)
    assert planned_2025 in Project.objects.existing_in(2025)
    early = projects_dashboard(loaded.region, 2022).summary
    assert early.project_count == Project.objects.existing_in(2022).count()


def test_the_two_missing_groups_and_the_quantities_are_in_the_demo_data(loaded: Plan) -> None:
    kindergartens = Project.objects.get(name="2022年省定民生实事幼儿园项目（4个）")
    repairs = Project.objects.get(name="校舍维修和薄弱能力提升项目（11个）")
    assert (kindergartens.domain, kindergartens.end_year, repairs.stage) == ("social", 2022, "under_construction")
    assert "附件3" in kindergartens.source and "附件3" in repairs.source
    scales = " ".join(Project.objects.values_list("scale", flat=True))
    for quantity in ("5250户", "1520户", "226个", "236个", "28761亩", "51000亩", "5000亩"):
        assert quantity in scales, quantity
    line = ProgressNote.objects.get(project__name="农村人居环境整治提升五年行动")
    assert "5250户" in line.text and "附件3" in line.source
