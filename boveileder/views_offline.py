"""The installable app: the web app manifest and the service worker, both served from the
site's root so the worker's scope is the whole site. Open without login: the browser fetches both
without the session (the manifest) or before anyone signs in (the worker)."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """The service worker: the static shell, the offline follow-up form and the queue of visits."""
    response = render(request, "sw.js", content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@login_not_required
@require_GET
def manifest(request):
    """The web app manifest: the app opens on the start page, standalone, on a phone."""
    return render(request, "manifest.webmanifest", content_type="application/manifest+json")
