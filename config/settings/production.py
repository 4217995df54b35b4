"""Production: HTTPS only, secure cookies, HSTS, CSP; the secret key and hosts from the environment.

CLEARINGHOUSE_SECRET_KEY     required (50+ random characters)
CLEARINGHOUSE_ALLOWED_HOSTS  comma separated, required
CLEARINGHOUSE_BEHIND_PROXY   1 when a TLS-terminating proxy sets X-Forwarded-Proto
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("CLEARINGHOUSE_ENV", "production")

from .base import *  # noqa: E402, F403

if not os.environ.get("CLEARINGHOUSE_SECRET_KEY"):
    raise ImproperlyConfigured("CLEARINGHOUSE_SECRET_KEY must be set in production")
if not os.environ.get("CLEARINGHOUSE_ALLOWED_HOSTS"):
    raise ImproperlyConfigured("CLEARINGHOUSE_ALLOWED_HOSTS must be set in production")

DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_AGE = 60 * 60 * 8
LANGUAGE_COOKIE_SECURE = True
if os.environ.get("CLEARINGHOUSE_BEHIND_PROXY") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
