"""Links other apps add to the roster's admin screens, so workforce imports none of them.

An app registers, from its ``wagtail_hooks.py``:

- ``register_worker_link(provider)``: ``provider(worker) -> AdminLink | None``, a button on the
  worker's row in the list and on the worker's edit and detail pages (no query: it is called
  once per row);
- ``register_import_link(provider)``: ``provider(kind) -> AdminLink | None``, a link shown
  after a roster import of ``kind`` ("workers" or "units") went through.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class AdminLink:
    label: str
    url: str
    icon: str = "link"


_worker_links: list[Callable] = []
_import_links: list[Callable] = []


def register_worker_link(provider: Callable) -> Callable:
    if provider not in _worker_links:
        _worker_links.append(provider)
    return provider


def register_import_link(provider: Callable) -> Callable:
    if provider not in _import_links:
        _import_links.append(provider)
    return provider


def worker_links(worker) -> list[AdminLink]:
    return [link for provider in _worker_links if (link := provider(worker)) is not None]


def import_links(kind: str) -> list[AdminLink]:
    return [link for provider in _import_links if (link := provider(kind)) is not None]
