"""The dashboard as a manager reads it once its figures are ready."""

from django.urls import reverse

from reports.dashboard import dashboard_refresh


def figure(client, key, period="value"):
    """A figure of the dashboard once it is ready: right after a change, the page shows the figures
    from before it, marked as being updated, until the background has computed them again (here the
    background's task is done at once, as a worker would do it)."""
    response = client.get(reverse("reports:dashboard"))
    if response.context["updating"]:
        assert "beregnes på nytt etter en endring" in response.content.decode()
        assert dashboard_refresh(response.wsgi_request.user.municipality_id)
        response = client.get(reverse("reports:dashboard"))
        assert not response.context["updating"]
    rows = {row["key"]: row for row in response.context["rows"]}
    return rows[key][period]
