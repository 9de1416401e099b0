"""The authentication backend: Django's user names and passwords, without Django's model permissions.

Who may do what is decided by access.permissions from roles and coordinators, object by object; a model
permission ("may change every network") would be a second, coarser answer beside it, and the admin would
follow it. So no account holds one: permissions given to a user or a group count for nothing, and
superusers (administrators) have them all, as Django's User.has_perm says before asking any backend.
django-axes' backend stands before this one (settings.AUTHENTICATION_BACKENDS) and refuses locked-out logins.
"""

from django.contrib.auth.backends import ModelBackend

__all__ = ["AccountBackend"]


class AccountBackend(ModelBackend):
    """ModelBackend's authentication; no model permissions from user or group rows."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False
