import os

from django.core.wsgi import get_wsgi_application

from wolong import gc_tuning

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wolong.settings")
gc_tuning.tune()

application = get_wsgi_application()
