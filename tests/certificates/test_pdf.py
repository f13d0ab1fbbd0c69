import io
import unicodedata
from urllib.parse import urlparse

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.pdf import render_certificate
from tests.certificates.conftest import close_a_course, make_front_issuer

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_it_extracts_the_holders_name_exactly_in_nfc(party_issuer):
    closed = close_a_course(n=0)
    person = closed.absent
    person.full_name = unicodedata.normalize("NFD", "Nguyễn Thị Thuỷ Tiên")
    person.given_name = ""
    person.save()
    from certificates.services import issue_certificate
    from training.models import Enrollment

    enrollment = Enrollment.objects.get(person=person)
    enrollment.status = Enrollment.Status.COMPLETED
    enrollment.save()
    certificate = issue_certificate(enrollment=enrollment, issuer=party_issuer)
    text = _text(certificate.pdf.open("rb").read())
    name = unicodedata.normalize("NFC", "Nguyễn Thị Thuỷ Tiên")
    assert certificate.holder_name == name
    assert name in text and unicodedata.is_normalized("NFC", text)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Số 1-GCN/BTGDV" in text
    assert "GIẤY CHỨNG NHẬN" in text and f"Mã xác minh: {certificate.code}" in text


def test_it_embeds_only_dejavu_fonts(party_issuer):
    close_a_course(n=1)
    reader = PdfReader(Certificate.objects.get().pdf.open("rb"))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}
    assert names and all("DejaVu" in name for name in names), names
    for key in fonts:
        descriptor = fonts[key].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # embedded, not merely named


def test_it_prints_the_state_header_and_number_for_a_front_body(db):
    front = make_front_issuer()
    front.is_default = True
    front.save()
    close_a_course(n=1)
    text = _text(Certificate.objects.get().pdf.open("rb").read())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Số: 1/GCN-UBMTTQ" in text and "ĐẢNG CỘNG SẢN" not in text


def test_it_renders_deterministically_and_serves_the_stored_file(party_issuer):
    close_a_course(n=1)
    certificate = Certificate.objects.get()
    stored = certificate.pdf.open("rb").read()
    assert render_certificate(certificate) == stored


def test_it_encodes_the_verification_url_in_a_readable_qr(party_issuer, client):
    close_a_course(n=1)
    certificate = Certificate.objects.get()
    document = pdfium.PdfDocument(certificate.pdf.open("rb").read())
    image = document[0].render(scale=2).to_pil()
    document.close()
    decoded = [r.text for r in zxingcpp.read_barcodes(image)]
    assert decoded == [f"https://taphuan.example.vn/xac-minh/{certificate.code}/"]
    response = client.get(urlparse(decoded[0]).path)
    assert response.status_code == 200
    assert "Giấy chứng nhận hợp lệ" in response.content.decode()
    assert certificate.number in response.content.decode()


def test_it_keeps_a_long_role_list_on_one_line(party_issuer):
    from certificates.pdf import header_fields, render

    fields = header_fields(kind="front", header="ỦY BAN MTTQ", number="7/GCN-UBMTTQ")
    roles = ", ".join(f"Cán bộ phụ trách thôn số {i}" for i in range(12))
    fields.update(holder_name="Lò Văn Páo", role_unit=roles, programme_title="Nghiệp vụ")
    lines = _text(render(fields, qr_url="https://x.vn/xac-minh/ABC/")).splitlines()
    assert "Đã hoàn thành chương trình" in [line.strip() for line in lines]
    assert any(line.strip().endswith("…") and "số 0" in line for line in lines)


def test_it_prints_the_legacy_name_and_place_for_a_backdated_issue(party_issuer):
    from datetime import date

    from certificates.services import issue_certificate
    from tests.factories import PersonFactory
    from training.models import Programme, TrainingRecord

    programme = Programme.objects.create(code="p-2024", title="Chương trình", has_certificate=True)
    record = TrainingRecord.objects.create(
        person=PersonFactory(), programme=programme, completed_on=date(2024, 6, 5)
    )
    old = issue_certificate(record=record, issuer=party_issuer, issued_on=date(2024, 6, 5))
    text = _text(old.pdf.open("rb").read())
    assert old.year == 2024 and old.issuer_name_printed == "Ban Dân vận Tỉnh ủy Hà Giang"
    assert "TỈNH ỦY HÀ GIANG" in text and "ngày 05 tháng 06 năm 2024" in text


def test_it_prints_the_seal_image(party_issuer):
    from django.core.files.base import ContentFile
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGBA", (120, 60), (200, 0, 0, 128)).save(png, format="PNG")
    party_issuer.seal_image.save("seal.png", ContentFile(png.getvalue()))
    close_a_course(n=1)
    page = PdfReader(Certificate.objects.get().pdf.open("rb")).pages[0]
    images = page["/Resources"]["/XObject"]
    assert len(images) == 1
