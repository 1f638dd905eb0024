from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Pages with personal data are never cached by browsers or proxies; static files are exempt."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(("/static/", "/healthz")):
            add_never_cache_headers(response)
            response["Cache-Control"] += ", no-store"
        return response
