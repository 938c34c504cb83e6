from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indicators.models import Plan
from reports import figures
from reports.context import context_tables


def home(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.select_related("region").annotate(
        indicator_count=Count("indicators", filter=Q(indicators__parent__isnull=True))
    )
    return render(request, "reports/home.html", {"plans": plans})


def context(request: HttpRequest) -> HttpResponse:
    """Section 二's context statistics (表1–表4 with 图1–图4); fixed historical data, so no as-of."""
    blocks = context_tables()
    charts = [(block, figures.render(figures.context_figure(block))) for block in blocks]
    return render(request, "reports/context.html", {"charts": charts})
