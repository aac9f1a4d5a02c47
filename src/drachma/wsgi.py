import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drachma.settings")
application = get_wsgi_application()

# Only serving processes load this module (runserver and WSGI servers; not migrate, the tests
# or other commands): build the footage index now, in the background, not on the first search.
from drachma.takedown.index import warm_up  # noqa: E402

warm_up()
