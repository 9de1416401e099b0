"""Admin building blocks shared by the apps (core registers no models of its own)."""

__all__ = ["ReadOnlyAdminMixin"]


class ReadOnlyAdminMixin:
    """For records only the services write (logs, the alert outbox): the admin shows them, nobody adds,
    changes or deletes one there. It goes first, before the mixin that says who may see them (access.admin)
    and ModelAdmin: `class X(ReadOnlyAdminMixin, AdministratorsOnlyAdminMixin, ModelAdmin)`."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
