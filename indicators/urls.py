from django.urls import path

from indicators import collection_views, views

app_name = "indicators"

urlpatterns = [
    path("entry/", views.entry_grid, name="entry"),
    path("entry/submit-all/", views.entry_submit_all, name="submit_all"),
    path("entry/period/<str:period>/", collection_views.period_entry, name="period_entry"),
    path("entry/period/<str:period>/template.xlsx", collection_views.period_template, name="period_template"),
    path("entry/period/<str:period>/upload/", collection_views.period_upload_page, name="period_upload"),
    path("review/approve-selected/", collection_views.approve_selected, name="approve_selected"),
    path("board/", collection_views.board, name="board"),
    path("board/export.xlsx", collection_views.board_export, name="board_export"),
    path("entry/<int:series_pk>/<str:period>/", views.entry_edit, name="entry_edit"),
    path("review/", views.review_list, name="review"),
    path("observation/<int:pk>/submit/", views.observation_submit, name="submit"),
    path("observation/<int:pk>/approve/", views.observation_approve, name="approve"),
    path("observation/<int:pk>/return/", views.observation_return, name="return"),
    path("observation/<int:pk>/history/", views.observation_history, name="history"),
    path("reading/<int:pk>/choose/", views.reading_choose, name="reading_choose"),
    path("indicator/<int:pk>/verdict/", views.indicator_verdict, name="verdict"),
    path("indicator/<int:pk>/target/", views.indicator_target, name="target"),
    path("indicator/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plan/<int:pk>/", views.plan_detail, name="plan"),
    path("plan/<int:plan_pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("plan/<int:pk>/locks/", views.plan_locks, name="locks"),
    path("plan/<int:pk>/next/", views.plan_next, name="plan_next"),
    path("plan/<int:pk>/import/", views.plan_import, name="import"),
    path("plan/<int:pk>/import/confirm/", views.plan_import_confirm, name="import_confirm"),
    path("plan/<int:pk>/import/template.xlsx", views.plan_import_template, name="import_template"),
]
