"""The installable app: the web app manifest, served from the site's root and open without login
(the browser fetches it without the session). The service worker is the offline follow-up's
(`cases.views.offline.service_worker`)."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def manifest(request):
    """The web app manifest: the app opens on the start page, standalone, on a phone."""
    return render(request, "manifest.webmanifest", content_type="application/manifest+json")
