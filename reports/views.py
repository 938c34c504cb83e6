from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indicators.models import Plan


def home(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.select_related("region").annotate(
        indicator_count=Count("indicators", filter=Q(indicators__parent__isnull=True))
    )
    return render(request, "reports/home.html", {"plans": plans})
