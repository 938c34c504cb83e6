"""Staff correct the parser's reading of a target in the admin; the correction is kept."""

from decimal import Decimal

import pytest
from django.test import Client

from indicators.models import Indicator, ManualVerdict, Plan
from tests.conftest import make_user


@pytest.fixture
def admin_client(client: Client, plan_14th: Plan) -> Client:
    client.force_login(make_user("boss", "管理员", is_staff=True, is_superuser=True))
    return client


def _form(indicator: Indicator, **changes: object) -> dict:
    data: dict[str, object] = {
        "plan": indicator.plan_id,
        "category": indicator.category_id,
        "parent": indicator.parent_id or "",
        "seq": indicator.seq,
        "order": indicator.order,
        "name": indicator.name,
        "unit": indicator.unit,
        "attribute": indicator.attribute,
        "series": indicator.series_id or "",
        "target_text": indicator.target_text,
        "target_kind": indicator.target_kind,
        "target_value": indicator.target_value or "",
        "target_direction": indicator.target_direction,
        "linked_indicator": indicator.linked_indicator_id or "",
        "partial_periods_comparable": "on" if indicator.partial_periods_comparable else "",
        "note": indicator.note,
        "observations-TOTAL_FORMS": 0,
        "observations-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_hand_edited_kind_is_kept(admin_client: Client, plan_14th: Plan) -> None:
    patents = Indicator.objects.get(plan=plan_14th, name="每万人发明专利拥有量")
    assert patents.target_kind == "level"
    response = admin_client.post(
        f"/admin/indicators/indicator/{patents.pk}/change/", _form(patents, target_kind="cumulative")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    patents.refresh_from_db()
    assert (patents.target_kind, patents.target_set_manually) == ("cumulative", True)
    assert patents.history.first().history_change_reason == "后台修改"  # saved by services.indicator_save


def test_new_printed_target_is_parsed_again(admin_client: Client, plan_14th: Plan) -> None:
    forest = Indicator.objects.get(plan=plan_14th, name="森林覆盖率")
    response = admin_client.post(f"/admin/indicators/indicator/{forest.pk}/change/", _form(forest, target_text="≥14.5"))
    assert response.status_code == 302
    forest.refresh_from_db()
    assert forest.target_kind == "floor"
    assert forest.target_value == Decimal("14.5")


def test_admin_cannot_bypass_the_services_for_manual_verdicts_and_inline_figures(
    admin_client: Client, plan_14th: Plan
) -> None:
    verdict = ManualVerdict.objects.filter(indicator__plan=plan_14th).first()
    assert verdict is not None
    url = f"/admin/indicators/manualverdict/{verdict.pk}/change/"
    response = admin_client.post(
        url, {"indicator": verdict.indicator_id, "year": 2023, "part": "H1", "status": "behind", "reason": "绕过服务"}
    )
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert verdict.status != "behind"
    page = admin_client.get(f"/admin/indicators/indicator/{verdict.indicator_id}/change/").content.decode()
    assert 'name="observations-0-value"' not in page  # figures are shown read-only in the indicator admin
