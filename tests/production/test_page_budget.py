"""Light pages for weak connections: the first page of a long list weighs at most 60 KB over the
wire (gzip, as every browser asks), and no page asks for anything from another site."""

import gzip
import re
from datetime import date

import pytest

from people.models import OrgKind, Position
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, role

pytestmark = pytest.mark.django_db
BUDGET = 60 * 1024
EXTERNAL = re.compile(r'(?:src|href|action)="(?:https?:)?//', re.I)


@pytest.fixture
def long_lists(tree, client):  # type: ignore[no-untyped-def]
    """A People's Inspection Board of 300 untrained members: every list is longer than a page."""
    member = role("inspection_board_member")
    board = OrganisationFactory(unit=tree.thanh_van, kind=OrgKind.PEOPLE_INSPECTION_BOARD)
    for person in PersonFactory.create_batch(300):
        Position.objects.create(
            person=person, role=member, organisation=board, start=date(2020, 1, 1)
        )
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/danh-ba/?as_of=31/03/2025",
        "/lop/",
        "/giay-chung-nhan/",
        "/nhap-lieu/lo/",
        "/ty-le/?as_of=31/03/2025",
        "/ty-le/danh-sach/?as_of=31/03/2025&target=nq33-boards&kind=boards",
    ],
)
def test_the_first_page_of_a_list_is_light_and_local(long_lists, tree, url):  # type: ignore[no-untyped-def]
    if "as_of" in url:
        url += f"&unit={tree.quan_ba.pk}"
    answer = long_lists.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert answer.status_code == 200
    assert answer["Content-Encoding"] == "gzip"
    assert len(answer.content) <= BUDGET
    html = gzip.decompress(answer.content).decode()
    assert not EXTERNAL.findall(html)
    if "danh-sach" in url or "danh-ba" in url:
        assert html.count("<tr") > 50  # a full page of rows was weighed, not an empty list
