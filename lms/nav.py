"""Personal links every page may show ("我的导师", "我的考核" ...), contributed by the apps.

An app registers a provider in its ``AppConfig.ready()``: ``provider(user) -> list[Link]``,
called only for a signed-in user. The context processor ``personal_nav`` gives templates
``personal_nav``, the providers' links in registration order, read lazily (a page that does
not show it runs no provider). The site header (templates/base.html) lists the links; the
worker's "my page" shows a card per ``Section``. So workforce and courses neither import the
apps above them nor reverse their URLs. A provider keeps to one query at most.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject


@dataclass(frozen=True)
class Section:
    """A card on the worker's "my page" grouping one app's links: its id, heading and blurb."""

    key: str
    title: str
    about: str = ""


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    section: Section | None = None


Provider = Callable[[object], list[Link]]
_providers: list[Provider] = []


def register_personal_links(provider: Provider) -> Provider:
    """Add ``provider`` to the personal links (once, however often ``ready()`` runs)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def personal_links(user) -> list[Link]:
    """Return the links of every registered provider for ``user`` (none when signed out)."""
    if user is None or not user.is_authenticated:
        return []
    return [link for provider in _providers for link in provider(user)]


def personal_nav(request) -> dict:
    return {"personal_nav": SimpleLazyObject(lambda: personal_links(request.user))}
