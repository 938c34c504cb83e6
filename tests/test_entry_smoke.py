"""Smoke test on the real 十四五 plan: every entry, review and administration page renders for an admin."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from indicators.models import Indicator, Observation, Plan


def test_every_page_renders_on_the_real_plan(client: Client, plan_14th: Plan, admin: User) -> None:
    client.force_login(admin)
    gdp = Indicator.objects.get(plan=plan_14th, name="地区生产总值增长")
    jobs = Indicator.objects.get(plan=plan_14th, name="城镇新增就业人数")
    obs = Observation.objects.get(series=gdp.measured_series, year=2022, part="")
    urls = [
        "/indicators/entry/",
        f"/indicators/entry/{gdp.series_id}/2023/",
        f"/indicators/entry/{jobs.series_id}/2023H1/",
        "/indicators/review/",
        f"/indicators/observation/{obs.pk}/history/",
        f"/indicators/indicator/{gdp.pk}/verdict/",
        f"/indicators/indicator/{jobs.parent_id}/verdict/?as_of=2023H1",
        f"/indicators/indicator/{gdp.pk}/target/",
        f"/indicators/indicator/{gdp.pk}/edit/",
        "/indicators/plans/",
        "/indicators/plans/new/",
        f"/indicators/plan/{plan_14th.pk}/",
        f"/indicators/plan/{plan_14th.pk}/indicators/new/",
        f"/indicators/plan/{plan_14th.pk}/locks/",
        f"/indicators/plan/{plan_14th.pk}/import/",
        f"/indicators/plan/{plan_14th.pk}/import/template.xlsx",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    grid = client.get("/indicators/entry/").context["grid"]
    names = [row.series.name for row in grid.rows]
    assert len(names) == 21 and "城镇就业" not in names  # parents have no figures of their own
    assert "0.3470" in client.get("/indicators/entry/").content.decode()  # printed decimals kept
