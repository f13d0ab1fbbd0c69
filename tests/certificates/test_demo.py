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
