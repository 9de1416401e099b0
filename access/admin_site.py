"""The admin site of the service: Django's, with its door decided by access.permissions.can_use_admin
(roles) instead of the stored `is_staff` flag alone. access.apps.BinAdminConfig makes it `admin.site`."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .permissions import can_use_admin

__all__ = ["AdminLoginForm", "BinAdminSite"]


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form: refuses whom can_use_admin refuses, with Django's message."""

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)  # active accounts only
        if not can_use_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class BinAdminSite(admin.AdminSite):
    """Django's admin site; who enters it is access.permissions' answer."""

    login_form = AdminLoginForm

    def has_permission(self, request):
        return can_use_admin(request.user)
