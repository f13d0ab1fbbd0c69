"""Shared fixtures: a small two-edition tree that mirrors the 2025 reorganisation.

Legacy (until 30/06/2025): Tỉnh Hà Giang > Huyện Quản Bạ > Xã Thanh Vân (00889), Xã Cán Tỷ (00880)
2025 edition (from 01/07/2025): Tỉnh Tuyên Quang > Xã Nghĩa Thuận (00889, merged from Thanh Vân)
                                                 > Xã Cán Tỷ mới (00883, merged from Cán Tỷ)
"""

from dataclasses import dataclass
from datetime import date

import pytest

from people.models import Level, Unit, UnitLineage
from tests.factories import make_unit

LEGACY_END = date(2025, 6, 30)
REFORM = date(2025, 7, 1)


@dataclass
class Tree:
    ha_giang: Unit
    quan_ba: Unit
    thanh_van: Unit
    can_ty: Unit
    tuyen_quang: Unit
    nghia_thuan: Unit
    can_ty_new: Unit


@pytest.fixture
def tree(db) -> Tree:  # type: ignore[no-untyped-def]
    K, E = Unit.Kind, Unit.Edition
    legacy = {"edition": E.LEGACY, "valid_to": LEGACY_END}
    modern = {"edition": E.E2025, "valid_from": REFORM}
    hg = make_unit(name="Tỉnh Hà Giang", level=Level.PROVINCE, kind=K.TINH, code="02", **legacy)
    qb = make_unit(
        name="Huyện Quản Bạ", level=Level.DISTRICT, kind=K.HUYEN, code="027", parent=hg, **legacy
    )
    tv = make_unit(
        name="Xã Thanh Vân", level=Level.COMMUNE, kind=K.XA, code="00889", parent=qb, **legacy
    )
    ct = make_unit(
        name="Xã Cán Tỷ", level=Level.COMMUNE, kind=K.XA, code="00880", parent=qb, **legacy
    )
    tq = make_unit(name="Tỉnh Tuyên Quang", level=Level.PROVINCE, kind=K.TINH, code="08", **modern)
    nt = make_unit(
        name="Xã Nghĩa Thuận", level=Level.COMMUNE, kind=K.XA, code="00889", parent=tq, **modern
    )
    ct2 = make_unit(
        name="Xã Cán Tỷ", level=Level.COMMUNE, kind=K.XA, code="00883", parent=tq, **modern
    )
    UnitLineage.objects.create(old=tv, new=nt, kind=UnitLineage.Kind.WHOLE)
    UnitLineage.objects.create(old=ct, new=ct2, kind=UnitLineage.Kind.WHOLE)
    return Tree(hg, qb, tv, ct, tq, nt, ct2)
