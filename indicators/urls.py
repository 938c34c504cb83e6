from django.urls import path

from indicators import collection_views
from indicators.views import entry, plan_import, plans, review

app_name = "indicators"

urlpatterns = [
    path("entry/", entry.entry_grid, name="entry"),
    path("entry/submit-all/", entry.entry_submit_all, name="submit_all"),
    path("entry/period/<str:period>/", collection_views.period_entry, name="period_entry"),
    path("entry/period/<str:period>/template.xlsx", collection_views.period_template, name="period_template"),
    path("entry/period/<str:period>/upload/", collection_views.period_upload_page, name="period_upload"),
    path("review/approve-selected/", collection_views.approve_selected, name="approve_selected"),
    path("board/", collection_views.board, name="board"),
    path("board/export.xlsx", collection_views.board_export, name="board_export"),
    path("entry/<int:series_pk>/<str:period>/", entry.entry_edit, name="entry_edit"),
    path("review/", review.review_list, name="review"),
    path("observation/<int:pk>/submit/", entry.observation_submit, name="submit"),
    path("observation/<int:pk>/approve/", review.observation_approve, name="approve"),
    path("observation/<int:pk>/return/", review.observation_return, name="return"),
    path("observation/<int:pk>/history/", review.observation_history, name="history"),
    path("reading/<int:pk>/choose/", review.reading_choose, name="reading_choose"),
    path("indicator/<int:pk>/verdict/", plans.indicator_verdict, name="verdict"),
    path("indicator/<int:pk>/target/", plans.indicator_target, name="target"),
    path("indicator/<int:pk>/edit/", plans.indicator_edit, name="indicator_edit"),
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plan/<int:pk>/", plans.plan_detail, name="plan"),
    path("plan/<int:plan_pk>/indicators/new/", plans.indicator_create, name="indicator_create"),
    path("plan/<int:pk>/locks/", plans.plan_locks, name="locks"),
    path("plan/<int:pk>/next/", plans.plan_next, name="plan_next"),
    path("plan/<int:pk>/import/", plan_import.plan_import, name="import"),
    path("plan/<int:pk>/import/confirm/", plan_import.plan_import_confirm, name="import_confirm"),
]
