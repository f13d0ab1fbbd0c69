"""Fixtures of other areas reused here: the training place, the planning world."""

from dataclasses import dataclass

import pytest

from tests.training.conftest import catalogue, organiser, place, programme  # noqa: F401
from tests.training.test_planning_support import world  # noqa: F401


@dataclass
class PlaceWorld:
    place: object
    programme: object
    organiser: object


@pytest.fixture
def place_world(place, programme, organiser) -> PlaceWorld:  # type: ignore[no-untyped-def]  # noqa: F811
    return PlaceWorld(place, programme, organiser)


@pytest.fixture
def world_for_planning(world):  # type: ignore[no-untyped-def]  # noqa: F811
    return world
