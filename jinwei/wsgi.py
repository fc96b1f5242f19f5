"""The WSGI application: Django's own.

Serve it with a WSGI server, as the README shows (gunicorn jinwei.wsgi).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinwei.settings")

application = get_wsgi_application()
