import io

import pytest

from certificates import demo
from certificates.models import Certificate, Issuer
from tests.certificates.conftest import close_a_course

pytestmark = pytest.mark.django_db


def test_it_loads_issuers_and_certificates_once(tree):
    closed = close_a_course(n=3, unit=tree.nghia_thuan, code="xdd-kndv")
    assert not Certificate.objects.exists()
    out = io.StringIO()
    demo.load(stdout=out)
    assert set(Issuer.objects.values_list("code", flat=True)) == {"btgdv-tq", "ubmttq-tq"}
    party = Issuer.objects.get(code="btgdv-tq")
    assert party.is_default and party.kind == "party"
    statuses = sorted(
        Certificate.objects.filter(course=closed.course).values_list("status", flat=True)
    )
    assert statuses == ["revoked", "superseded", "valid", "valid"]
    demo.load(stdout=out)
    assert Certificate.objects.count() == 4
    assert "0 giấy mới" in out.getvalue().splitlines()[-1]


def test_it_links_the_party_issuer_so_the_demo_organiser_may_use_it(tree, client):
    from certificates.models import Issuer
    from people.models import Grant, Organisation, OrgKind
    from tests.certificates.conftest import make_party_issuer
    from tests.factories import UserFactory, grant

    close_a_course(n=2, unit=tree.nghia_thuan, code="xdd-kndv")
    make_party_issuer()  # made by an older demo, linked to no organisation
    body = Organisation.objects.create(
        unit=tree.tuyen_quang,
        kind=OrgKind.AGENCY,
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy Tuyên Quang",
    )
    demo.load(stdout=io.StringIO())
    party = Issuer.objects.get(code="btgdv-tq")
    assert party.organisation == body
    assert Certificate.objects.filter(issuer=party).count() == 3  # 2 + the reissue
    organiser = UserFactory()
    grant(organiser, tree.tuyen_quang, Grant.Role.ORGANISER)
    assert list(_usable(organiser).values_list("code", flat=True)) == ["btgdv-tq"]


def _usable(user):  # type: ignore[no-untyped-def]
    from access.scopes import writable
    from certificates.models import Issuer

    return writable(user, Issuer)
