"""The WSGI application: Django's, with the voting rush's way in before it (ballots.wsgi).

Serve it with a WSGI server, as the README shows (gunicorn jinwei.wsgi).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinwei.settings")

django_application = get_wsgi_application()

from ballots.wsgi import VotingEntry  # noqa: E402 - after Django is set up

application = VotingEntry(django_application)
