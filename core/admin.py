"""Admin building blocks shared by the apps (core registers no models of its own)."""

__all__ = ["ReadOnlyAdminMixin"]


class ReadOnlyAdminMixin:
    """For records only the services write (logs, the alert outbox): the admin shows them, nobody adds,
    changes or deletes one there. It goes before ModelAdmin: `class X(ReadOnlyAdminMixin, ModelAdmin)`."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
