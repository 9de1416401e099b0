"""The login page of coordinators, police officers and municipality staff (members have no account)."""

from django.contrib.auth import views as auth_views

__all__ = ["LoginView"]


class LoginView(auth_views.LoginView):
    template_name = "access/login.html"
    redirect_authenticated_user = True
