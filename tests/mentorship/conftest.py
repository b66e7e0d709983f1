"""Mentoring personas beside the shared ones: ``mentor`` (a county cadre with an account,
user ``mentor``), ``pairing`` (the mentor and ``worker``, active 2030-01-01 to 2030-12-31),
``other_mentor`` (游仙区) and ``other_pairing`` (游仙区's mentor and ``other_worker``)."""

import pytest

from tests.factories import MentorFactory, PairingFactory, UserFactory


@pytest.fixture
def mentor(county):
    return MentorFactory(federation=county, name="王建国", user=UserFactory(username="mentor"))


@pytest.fixture
def pairing(mentor, worker):
    return PairingFactory(mentor=mentor, apprentice=worker)


@pytest.fixture
def other_mentor(other_county):
    return MentorFactory(federation=other_county, name="赵敏")


@pytest.fixture
def other_pairing(other_mentor, other_worker):
    return PairingFactory(mentor=other_mentor, apprentice=other_worker)
