from django.urls import path

from projects import regional_views, views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.xlsx", views.project_export, name="export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("region/<int:pk>/", regional_views.regional_dashboard, name="regional"),
    path("review/", views.review_list, name="review"),
    path("review/<str:kind>/<int:pk>/submit/", views.figure_submit, name="figure_submit"),
    path("review/<str:kind>/<int:pk>/approve/", views.figure_approve, name="figure_approve"),
    path("review/<str:kind>/<int:pk>/return/", views.figure_return, name="figure_return"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/investment/", views.investment_edit, name="investment"),
    path("<int:pk>/notes/new/", views.note_add, name="note_add"),
]
