from django import template

from communications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """The bell's count: one indexed query, at most once per request, only where shown."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = selectors.unread_count(user=user)
    return request._unread_notifications


@register.simple_tag
def notification_bell_cap() -> int:
    return selectors.BELL_CAP
