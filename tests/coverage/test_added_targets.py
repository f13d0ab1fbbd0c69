"""A target added in the admin is counted and shown everywhere the seeded five are."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coverage.models import FrozenReport
from people.models import Role
from tests.coverage.conftest_ui import ui  # noqa: F401
from training.models import Programme, Target, TargetRule

CODE = "tw-mttq-2026"
TITLE = "Cán bộ chủ chốt Mặt trận được bồi dưỡng nghiệp vụ năm 2026"


@pytest.fixture
def added(ui):  # type: ignore[no-untyped-def]  # noqa: F811
    """Em Thị Én (Thanh Vân's Front committee, trained nv-mttq) is its only holder."""
    target = Target.objects.create(code=CODE, title=TITLE)
    rule = TargetRule.objects.create(target=target, role=Role.objects.get(code="front_key_cadre"))
    rule.programmes.add(Programme.objects.get(code="nv-mttq"))
    return ui


def test_an_added_target_is_on_the_dashboard_its_lists_downloads_and_trend(client, added):
    client.force_login(added.admin)
    params = {"unit": added.tree.quan_ba.pk, "as_of": "31/03/2025"}

    page = client.get(reverse("coverage:dashboard"), params)

    card = next(c for c in page.context["cards"] if c["code"] == CODE)
    assert (card["numerator"], card["denominator"], card["percent"]) == (1, 1, "100,0%")
    assert card["short"] == TITLE and card["title"] == TITLE
    assert [c["code"] for c in page.context["cards"]][:5] == [
        "nq33-agency", "nq33-front", "nq33-village", "nq33-boards", "nq33-teams",
    ]  # fmt: skip
    assert TITLE in page.context["trend"]  # a line of the trend, named in its legend
    listed = client.get(card["links"]["numerator"])
    assert listed.status_code == 200 and TITLE in listed.content.decode()
    csv = client.get(reverse("coverage:report_csv"), {**params, "target": CODE}).content.decode()
    assert f"{CODE},31/03/2025,2,Xã Thanh Vân,00889,1,1" in csv
    everything = client.get(reverse("coverage:report_csv"), params).content.decode()
    assert CODE in everything and "nq33-teams" in everything
    book = load_workbook(io.BytesIO(client.get(reverse("coverage:report_xlsx"), params).content))
    assert f"TH {TITLE}"[:31] in book.sheetnames and "TH Tổ dân vận" in book.sheetnames


def test_an_added_target_can_be_frozen_and_compared(client, added):
    client.force_login(added.commission)
    url = reverse("coverage:freeze") + f"?unit={added.tree.quan_ba.pk}&as_of=31/03/2025"

    frozen_page = client.post(url, {"target": CODE, "note": "Báo cáo bổ sung"}, follow=True)

    frozen = FrozenReport.objects.get()
    assert frozen.target_code == CODE and frozen.figures["percent"] == 100.0
    assert f"{TITLE} — Huyện Quản Bạ" in frozen_page.content.decode()
