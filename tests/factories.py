"""factory_boy factories for the roster; later apps add theirs beside these."""

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from workforce import idnumber
from workforce.models import Federation, Posting, Unit, Worker

_id_sequence = itertools.count(1)


def make_id_number() -> str:
    """Return a fresh valid ID number (Mianyang 510703, born 1990-01-01 + n days)."""
    n = next(_id_sequence)
    birth = dt.date(1990, 1, 1) + dt.timedelta(days=n % 5000)
    return idnumber.make(f"510703{birth:%Y%m%d}{n % 1000:03d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-word-123")


def make_federation(
    name: str, code: str, *, parent: Federation | None = None, level: str = Federation.Level.COUNTY
) -> Federation:
    """Add a federation under ``parent`` (or as a root)."""
    if parent is None:
        return Federation.add_root(name=name, code=code, level=Federation.Level.CITY)
    return Federation.objects.get(pk=parent.pk).add_child(name=name, code=code, level=level)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"基层工会{n}")
    kind = Unit.Kind.ENTERPRISE
    headcount = 500


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"工作者{n}")
    gender = Worker.Gender.FEMALE
    id_number = factory.LazyFunction(make_id_number)
    education = Worker.Education.BACHELOR
    employment_mode = Worker.EmploymentMode.DIRECT
    hire_date = dt.date(2024, 3, 1)


class PostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posting

    worker = factory.SubFactory(WorkerFactory)
    start = dt.date(2024, 3, 1)
