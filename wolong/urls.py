from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from indicators import lockouts

admin.site.site_header = f"{settings.SITE_REGION}规划指标监测平台 · 管理"
admin.site.site_title = "规划指标监测平台"
admin.site.index_title = "数据维护"

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/lockouts/", lockouts.lockout_list, name="lockouts"),
    path("accounts/lockouts/reset/", lockouts.lockout_reset, name="lockout_reset"),
    path("admin/", admin.site.urls),
    path("indicators/", include("indicators.urls")),
    path("projects/", include("projects.urls")),
    path("", include("reports.urls")),
]
