import pytest

from people.models import Level, Unit
from people.text import name_sort_key, unit_name_key
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def test_a_commune_named_ban_may_keeps_ban_in_its_key_and_sorts_under_b():
    commune = make_unit(name="Xã Bản Máy", level=Level.COMMUNE, kind=Unit.Kind.XA)
    assert commune.name_key == unit_name_key("Bản Máy", village=False)
    assert commune.name_key.startswith("ban")
    names = ["Xã Nậm Dịch", "Xã Bản Máy", "Xã Cán Tỷ"]
    keys = {n: unit_name_key(n, village=False) for n in names}
    ordered = sorted(names, key=lambda n: name_sort_key("", "", keys[n]))
    assert ordered == ["Xã Bản Máy", "Xã Cán Tỷ", "Xã Nậm Dịch"]


def test_a_village_still_drops_its_kind_word():
    village = make_unit(name="Bản Nà Mạ", level=Level.VILLAGE, kind=Unit.Kind.BAN)
    assert village.name_key == unit_name_key("Nà Mạ") == unit_name_key("Thôn Nà Mạ")
    assert village.name_key.startswith("na")
