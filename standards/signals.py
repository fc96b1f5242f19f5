"""What this app does when other apps' rows change (connected in StandardsConfig.ready)."""

from standards import services


def organization_saved(sender, instance, created, update_fields=None, **kwargs):
    """An organization's secretary changed: the veto clauses bound to it follow on its score sheets."""
    if created or kwargs.get("raw") or (update_fields is not None and "secretary" not in update_fields):
        return
    services.organization_sheets_follow(organization=instance)
