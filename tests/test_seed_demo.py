"""seed_demo loads the demo data; the demo accounts (published password) only in DEBUG or when asked for."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings

from indicators.models import Indicator, Observation


def run(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_without_debug_no_demo_accounts_are_created() -> None:
    out = run()
    assert Indicator.objects.count() == 23 + 11  # 十四五 and the 2025 annual plan
    assert not User.objects.filter(username="admin").exists()
    assert "未创建演示账户" in out


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_in_debug_the_accounts_are_created_once_and_printed() -> None:
    out = run()
    assert "wolong-demo-2025" in out
    assert set(User.objects.values_list("username", flat=True)) == {"admin", "tongji", "renshe", "shenhe", "lingdao"}
    counts = (User.objects.count(), Indicator.objects.count(), Observation.objects.count())
    assert "新建：无；新建账户 0 个" in run()
    assert (User.objects.count(), Indicator.objects.count(), Observation.objects.count()) == counts
    assert User.objects.get(username="tongji").check_password("wolong-demo-2025")


@pytest.mark.django_db
def test_accounts_on_request_without_debug() -> None:
    run("--demo-accounts")
    assert User.objects.filter(username="lingdao", groups__name="领导").exists()
