"""Settings of `make bench`: the test settings (HTTP, plain static files) with the product's own password
hashers, so that signing in costs under load what it costs in production."""

from django.conf import global_settings

from boveileder.settings.test import *  # noqa: F403

PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
WHITENOISE_AUTOREFRESH = False
