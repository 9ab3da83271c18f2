"""The one place that reaches the notices app: its public ``announce`` function.

Imported when called, so that this app loads (and its other tests run) whatever state the
notices app is in.
"""


def publish_notice(*, organization, author, title: str, body: str, property_id: int):
    """Publish a policy notice to the property's owners; returns the notice (or None)."""
    from notices.services import announce

    return announce(
        organization=organization, author=author, title=title, body=body, category="policy",
        property_ids=[property_id],
    )
