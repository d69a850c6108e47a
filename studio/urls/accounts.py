from django.contrib.auth import views as auth_views
from django.urls import path

from studio.views import pending

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", pending.page, name="signup"),
    path("accounts/password/", pending.page, name="password_change"),
    path("accounts/password/reset/", pending.page, name="password_reset"),
    path("healthz", pending.page, name="healthz"),
]
