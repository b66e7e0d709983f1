"""Set up Django for a benchmark script.

Each script starts with ``import benchsetup`` and ``benchsetup.django_setup(...)`` before it imports
any model: settings ``lms.settings.dev`` with DEBUG off (no query log: it would slow the ORM side),
the database in ``var/<database>`` unless ``DATABASE_URL`` is set.
"""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def django_setup(database: str = "bench.sqlite3", **environ: str) -> None:
    """Point Django at the benchmark database (plus ``environ`` defaults) and set it up."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / database}")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    for name, value in environ.items():
        os.environ.setdefault(name, value)

    import django

    django.setup()
