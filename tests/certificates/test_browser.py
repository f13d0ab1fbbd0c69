import pytest

from certificates.models import Certificate
from people.models import Grant
from tests.certificates.conftest import close_a_course, make_party_issuer
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_revokes_from_the_page_and_the_public_page_says_so(page, login, tree):  # noqa: F811
    make_party_issuer()
    close_a_course(n=2, unit=tree.nghia_thuan)
    user = UserFactory()
    grant(user, tree.tuyen_quang, Grant.Role.ORGANISER)
    certificate = Certificate.objects.order_by("serial").first()
    login(user)
    page.goto(page.base_url + "/giay-chung-nhan/")
    page.click(f"text={certificate.number}")
    page.select_option("#reason_category", "issued_by_mistake")
    page.fill("#reason", "Cấp nhầm người")
    page.click("text=Thu hồi giấy chứng nhận")
    page.wait_for_load_state()
    assert "Đã thu hồi giấy chứng nhận số 1-GCN/BTGDV" in page.content()
    page.goto(page.base_url + certificate.verify_path)
    verdict = page.locator(".verdict").inner_text()
    # The organiser sees the free text; the category «Cấp nhầm» is what the public sees.
    assert "đã bị thu hồi" in verdict and "Cấp nhầm người" in verdict and "Cấp nhầm." in verdict
