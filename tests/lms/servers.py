"""Helpers for the tests that start the product in subprocesses (several hosts, backups)."""

import urllib.parse

from django.db import connection


def database_url() -> str:
    """Return the URL of the test database, for subprocesses that share it with the test."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def with_database(url: str, name: str) -> str:
    """Return ``url`` naming database ``name`` instead."""
    return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()
