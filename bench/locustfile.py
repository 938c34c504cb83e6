"""Load test: leaders reading reports and clerks writing figures at the same time, against gunicorn.

Started by ``bench/loadtest.sh`` (loopback only; bounded by --run-time and MAX_REQUESTS). A response counts
as a failure on any status of 400 or above, and for a write unless it was saved (302) or refused as a
concurrent change (the optimistic lock: 200 with 未保存).
"""

from __future__ import annotations

import os
import random
import re
from typing import Any

import gevent
from locust import HttpUser, between, events, task

PASSWORD = "wolong-demo-2025"
MAX_REQUESTS = int(os.environ.get("LOADTEST_MAX_REQUESTS", "6000"))
AS_OF = "as_of=2023H1"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_count = {"requests": 0}


_environment: Any = None


@events.init.add_listener
def _remember(environment: Any, **kwargs: Any) -> None:
    global _environment
    _environment = environment


@events.request.add_listener
def _stop_after_max(**kwargs: Any) -> None:
    """The request bound: stop every user once MAX_REQUESTS requests were made."""
    _count["requests"] += 1
    if _count["requests"] == MAX_REQUESTS and _environment is not None and _environment.runner is not None:
        gevent.spawn(_environment.runner.quit)


def _csrf(html: str) -> str:
    match = _CSRF.search(html)
    return match.group(1) if match else ""


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else ""


class _LoggedIn(HttpUser):
    abstract = True
    username = ""

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login page")
        response = self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
            headers={"Referer": f"{self.host}/accounts/login/"},
            allow_redirects=False,
            name="login",
        )
        if response.status_code != 302:
            raise RuntimeError(f"login as {self.username} failed: {response.status_code}")


class Leader(_LoggedIn):
    """Reads the report pages and downloads 附件1 (most of the traffic)."""

    weight = 3
    username = "lingdao"
    wait_time = between(1, 3)

    @task(4)
    def dashboard(self) -> None:
        self.client.get(f"/?{AS_OF}", name="仪表板")

    @task(3)
    def appendix1(self) -> None:
        self.client.get(f"/appendix/1/?{AS_OF}", name="附件1")

    @task(1)
    def appendix1_xlsx(self) -> None:
        self.client.get(f"/appendix/1/xlsx/?{AS_OF}", name="附件1 Excel")

    def on_start(self) -> None:
        super().on_start()
        table = self.client.get(f"/appendix/1/?{AS_OF}", name="附件1").text
        self.indicator_ids = sorted(set(re.findall(r'href="/indicator/(\d+)/', table))) or ["1"]

    @task(2)
    def indicator(self) -> None:
        self.client.get(f"/indicator/{random.choice(self.indicator_ids)}/?{AS_OF}", name="单项指标")

    @task(2)
    def projects(self) -> None:
        self.client.get("/projects/", name="重大项目")

    @task(1)
    def narrative(self) -> None:
        self.client.get(f"/narrative/?{AS_OF}", name="评估文字")


class Clerk(_LoggedIn):
    """Opens an entry form and saves a draft figure; now and then a project's yearly investment."""

    weight = 1
    username = "tongji"
    wait_time = between(1, 3)

    def on_start(self) -> None:
        super().on_start()
        grid = self.client.get("/indicators/entry/", name="数据录入").text
        self.entry_urls = sorted(set(re.findall(r'href="(/indicators/entry/\d+/\d{4}(?:H1)?/)"', grid)))
        listing = self.client.get("/projects/", name="重大项目").text
        self.project_ids = sorted(set(re.findall(r'href="/projects/(\d+)/"', listing)))

    def _save(self, url: str, data: dict[str, str], name: str) -> None:
        with self.client.post(
            url, data, headers={"Referer": f"{self.host}{url}"}, allow_redirects=False, name=name, catch_response=True
        ) as response:
            if response.status_code == 302 or (response.status_code == 200 and "未保存" in response.text):
                response.success()
            else:
                response.failure(f"not saved: {response.status_code}")

    @task(3)
    def enter_figure(self) -> None:
        if not self.entry_urls:
            return
        url = random.choice(self.entry_urls)
        page = self.client.get(url, name="录入表单").text
        data = {
            "csrfmiddlewaretoken": _csrf(page),
            "value": f"{random.uniform(1, 9):.1f}",
            "version": _hidden(page, "version") or "0",
            "reason": "压力测试",
            "source": "压力测试",
        }
        self._save(url, data, "保存数值")

    @task(1)
    def enter_investment(self) -> None:
        if not self.project_ids:
            return
        url = f"/projects/{random.choice(self.project_ids)}/investment/?year=2025"
        page = self.client.get(url, name="投资表单").text
        data = {
            "csrfmiddlewaretoken": _csrf(page),
            "year": "2025",
            "planned": f"{random.uniform(1, 9):.2f}",
            "completed": "1",
            "seen_year": _hidden(page, "seen_year") or "2025",
            "version": _hidden(page, "version") or "0",
            "reason": "压力测试",
        }
        self._save(url, data, "保存投资")
