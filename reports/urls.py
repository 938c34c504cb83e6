from django.urls import path

from reports import annual_views, rollup_views, views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("appendix/1/", views.appendix1, name="appendix1"),
    path("appendix/1/xlsx/", views.appendix1_xlsx, name="appendix1_xlsx"),
    path("appendix/2/", views.appendix2, name="appendix2"),
    path("narrative/", views.narrative_page, name="narrative"),
    path("report/docx/", views.report_docx, name="report_docx"),
    path("indicator/<int:pk>/", views.indicator, name="indicator"),
    path("context/", views.context, name="context"),
    path("region/<int:pk>/", rollup_views.rollup_page, name="rollup"),
    path("region/<int:pk>/xlsx/", rollup_views.rollup_xlsx, name="rollup_xlsx"),
    path("annual/", annual_views.annual_latest, name="annual_latest"),
    path("annual/<int:pk>/", annual_views.annual, name="annual"),
    path("annual/<int:pk>/xlsx/", annual_views.annual_xlsx, name="annual_xlsx"),
    path("annual/<int:pk>/docx/", annual_views.annual_docx, name="annual_docx"),
    # Under indicators' import page, where it is linked; served here, where the 附件1 workbook is built.
    path("indicators/plan/<int:pk>/import/template.xlsx", views.plan_import_template, name="import_template"),
]
