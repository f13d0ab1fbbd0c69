"""The one reader of every upload (config.spreadsheets): what it refuses, what it reads."""

import io
import re
import time
import unicodedata
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from config.spreadsheets import (
    SpreadsheetError,
    decode_csv,
    neutralise,
    read_table,
    save_workbook,
    xlsx_value,
)
from tests.spreadsheet_files import (
    EXE,
    PNG,
    XLS,
    cp1258,
    renamed_docx,
    row_bomb,
    sheet_bytes,
    text_row,
    workbook_with_sheet,
)


def rows(content: bytes, name: str = "ds.xlsx", **kw: object) -> list[tuple[int, list]]:
    return list(read_table(content, name, **kw))  # type: ignore[arg-type]


def refusal(content: bytes, name: str = "ds.xlsx", **kw: object) -> list[str]:
    with pytest.raises(SpreadsheetError) as refused:
        rows(content, name, **kw)
    return refused.value.lines()


def xlsx(*lines: list[object]) -> bytes:
    book = Workbook()
    for line in lines:
        book.active.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- size and type


def test_it_refuses_a_file_over_the_size_limit_naming_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    content = "Mã xã,Họ và tên\n".encode() + b"00889,Giang Thi Mai\n" * 600_000  # 12 MB
    assert refusal(content, "ds.csv") == [
        "Tệp lớn quá giới hạn 10 MB (tệp này 11,4 MB); hãy chia thành nhiều tệp nhỏ hơn"
    ]


def test_it_checks_the_size_of_an_upload_before_reading_it(settings):
    settings.UPLOAD_MAX_BYTES = 1024

    class Upload(io.BytesIO):
        size = 5_000_000  # what Django knows of an upload spooled to disk

        def read(self, *args):  # type: ignore[no-untyped-def]
            raise AssertionError("read before the size was checked")

    assert "giới hạn 1 KB" in refusal(Upload(b""), "ds.csv")[0]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (PNG, "ds.xlsx", "không phải là bảng tính Excel .xlsx thật"),
        (b"Ma xa,Ho va ten\n00889,A\n", "ds.xlsx", "không phải là bảng tính Excel .xlsx thật"),
        (renamed_docx(), "ds.xlsx", "không có xl/workbook.xml"),
        (EXE, "ds.csv", "không phải là văn bản CSV"),
        (PNG, "ds.csv", "không phải là văn bản CSV"),
        (xlsx(["Mã xã"]), "ds.csv", "nội dung là bảng tính Excel .xlsx"),
        (XLS, "ds.xls", "hãy mở trong Excel, bỏ mật khẩu nếu có, rồi lưu lại dưới dạng .xlsx"),
        (XLS, "ds.xlsx", "định dạng Excel cũ (.xls)"),
        (b"%PDF-1.7", "ds.pdf", "Chỉ nhận tệp Excel .xlsx hoặc .csv; tệp «ds.pdf» có đuôi .pdf"),
    ],
)
def test_it_refuses_a_file_whose_content_is_not_what_its_name_says(content, name, says):
    (message,) = refusal(content, name)
    assert says in message


def test_it_refuses_a_csv_where_only_xlsx_is_taken():
    assert refusal(b"a,b\n", "", kinds=("xlsx",)) == ["Chỉ nhận tệp Excel .xlsx"]


# ---------------------------------------------------------------- bombs


def test_it_refuses_a_zip_bomb_from_its_central_directory_before_expanding_it(settings):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
    chunk = b"<c><v>1</v></c>" * 65536
    bomb = sheet_bytes([b'<row r="1">', *[chunk] * 120, b"</row>"])  # 113 MB of XML
    assert len(bomb) < 1024 * 1024
    started = time.perf_counter()
    (message,) = refusal(bomb)
    assert time.perf_counter() - started < 2
    assert "(zip bomb): khi giải nén sẽ thành 113 MB (giới hạn 100 MB)" in message


def test_it_refuses_a_member_compressed_past_the_ratio_even_under_the_total(settings):
    settings.UPLOAD_MAX_COMPRESSION_RATIO = 100
    chunk = b"<c><v>1</v></c>" * 65536
    bomb = sheet_bytes([b'<row r="1">', *[chunk] * 5, b"</row>"])  # 5 MB in about 10 KB
    assert re.search(r"một phần được nén tới [1-9]\d\d lần \(tối đa 100 lần\)", refusal(bomb)[0])


@pytest.mark.slow
def test_it_stops_a_row_bomb_at_the_row_limit_in_seconds(settings, tmp_path):
    settings.UPLOAD_MAX_ROWS = 50_000
    path = row_bomb(tmp_path / "rows.xlsx")  # two million empty rows
    started = time.perf_counter()
    assert refusal(path.read_bytes()) == [
        "Dòng 50001: Tệp có hơn 50.000 dòng (kể cả dòng trống có định dạng); hãy xóa các dòng "
        "trống ở cuối bảng hoặc chia thành nhiều tệp"
    ]
    assert time.perf_counter() - started < 10


def test_it_ignores_a_dimension_that_claims_a_million_rows_and_16384_columns():
    content = sheet_bytes(
        [text_row(1, "Mã xã", "Họ và tên"), text_row(3, "00889", "Giàng Thị Mai")],
        head='<dimension ref="A1:XFD1048576"/>',
    )
    started = time.perf_counter()
    assert rows(content) == [(1, ["Mã xã", "Họ và tên"]), (3, ["00889", "Giàng Thị Mai"])]
    assert time.perf_counter() - started < 1


def test_it_refuses_a_value_past_the_column_limit(settings):
    settings.UPLOAD_MAX_COLUMNS = 100
    content = sheet_bytes([text_row(1, "Mã xã"), b'<row r="2"><c r="XFD2"><v>1</v></c></row>'])
    assert refusal(content) == [
        "Dòng 2: có dữ liệu ở cột XFD, quá giới hạn 100 cột; hãy xóa các cột thừa"
    ]


def test_it_refuses_a_flood_of_empty_cells_early(settings):
    settings.UPLOAD_MAX_ROWS = 1_000  # 80,000 XML elements
    content = sheet_bytes([b'<row r="1">', b"<c/>" * 200_000, b"</row>"])
    assert "Trang tính có quá nhiều ô" in refusal(content)[0]


def test_it_refuses_xml_entities_which_is_how_xml_bombs_expand():
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData>'
        "</worksheet>"
    )
    content = io.BytesIO()
    workbook_with_sheet(content, [])
    out = io.BytesIO()
    with zipfile.ZipFile(content) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = laughs.encode() if info.filename.endswith("sheet1.xml") else source.read(info)
            target.writestr(info.filename, data)
    assert refusal(out.getvalue()) == [
        "Không đọc được tệp Excel (.xlsx): tệp bị hỏng; hãy mở bằng Excel và lưu lại"
    ]


# ---------------------------------------------------------------- what it reads


def test_it_reads_what_openpyxl_reads_shared_strings_dates_numbers_and_booleans():
    content = xlsx(
        ["Mã xã", "Ngày sinh", "Số", "Có"],
        ["00889", datetime(1985, 3, 12), 12.5, True],
        [None, datetime(2024, 1, 2, 10, 30), -3, False],
    )
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    expected = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert [values for _, values in rows(content)] == expected


def test_it_reads_cells_escaped_by_excel_and_refuses_their_control_characters():
    content = sheet_bytes(
        [
            text_row(1, "Họ và tên", "Ghi chú"),
            text_row(2, "Giàng Thị Mai", "dòng một_x000D_"),
            text_row(3, "Lý_x0007_ Văn Thuỷ", "_x005F_x0041_"),
        ]
    )
    table = read_table(content, "ds.xlsx")
    found = []
    with pytest.raises(SpreadsheetError) as refused:
        for number, values in table:
            found.append((number, values))
            if number == 1:
                table.name_columns(number, values)
    assert found[1] == (2, ["Giàng Thị Mai", "dòng một\r"])
    assert found[2] == (3, [None, "_x0041_"])
    assert refused.value.lines() == [
        "Dòng 3, cột «Họ và tên»: ô chứa ký tự điều khiển không hợp lệ (U+0007)"
    ]


def test_it_names_a_bad_cell_by_its_row_and_column_header():
    content = "Mã xã,Họ và tên\n" + "00889,Mai\n" * 5 + "00889,Giàng\x00 Mai\n"
    table = read_table(content.encode(), "ds.csv")
    with pytest.raises(SpreadsheetError) as refused:
        for number, values in table:
            if number == 1:
                table.name_columns(number, values)
    assert refused.value.lines() == ["Dòng 7, cột «Họ và tên»: ô chứa ký tự không hợp lệ (NUL)"]


def test_it_refuses_a_cell_of_ten_thousand_characters(settings):
    settings.UPLOAD_MAX_CELL_CHARS = 1_000
    long = "a" * 10_000
    assert refusal(xlsx(["Ghi chú"], [long])) == ["Dòng 2, cột «A»: ô dài hơn giới hạn 1.000 ký tự"]
    assert refusal(f"Ghi chú\n{long}\n".encode(), "ds.csv") == [
        "Dòng 2, cột «A»: ô dài hơn giới hạn 1.000 ký tự"
    ]


# ---------------------------------------------------------------- CSV encodings


VIETNAMESE = "Mã xã;Họ và tên\n00889;Đặng Thị Thuỷ\n00889;Nguyễn Văn Ưng\n"
EXPECTED = [(1, ["Mã xã", "Họ và tên"]), (2, ["00889", "Đặng Thị Thuỷ"])]
EXPECTED += [(3, ["00889", "Nguyễn Văn Ưng"])]


@pytest.mark.parametrize(
    "content",
    [
        VIETNAMESE.encode("utf-8"),
        b"\xef\xbb\xbf" + VIETNAMESE.encode("utf-8"),
        unicodedata.normalize("NFD", VIETNAMESE).encode("utf-8"),
        cp1258(VIETNAMESE),
        VIETNAMESE.replace(";", "\t").encode("utf-16"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-8 decomposed", "windows-1258", "utf-16 tab"],
)
def test_it_reads_vietnamese_csv_in_every_encoding_offices_save_in(content):
    assert rows(content, "ds.csv") == EXPECTED


def test_it_reads_western_windows_1252_when_windows_1258_cannot_be_meant():
    # Š (0x8A) does not exist in Windows-1258; a lone combining mark after a space is no
    # Vietnamese either.
    assert decode_csv("Šárka;Ìtalo\n".encode("cp1252")) == "Šárka;Ìtalo\n"


def test_it_refuses_bytes_of_no_encoding_with_the_row():
    content = "Mã xã\n00889\n".encode() + b"\x81\x8d\n"
    assert refusal(content, "ds.csv") == [
        "Dòng 3: không đọc được bảng mã của tệp CSV (byte 0x81 không thuộc UTF-8, "
        "Windows-1258 hay Windows-1252); hãy mở bằng Excel và lưu lại dưới dạng "
        "«CSV UTF-8 (Comma delimited)»"
    ]


# ---------------------------------------------------------------- exports


def test_neutralise_marks_text_that_would_run_as_a_formula_and_leaves_numbers():
    assert [neutralise(v) for v in ["=1+2", "+84912", "-x", "@SUM(A1)", "\tx", "Mai"]] == [
        "'=1+2", "'+84912", "'-x", "'@SUM(A1)", "'\tx", "Mai",
    ]  # fmt: skip
    assert neutralise(-5) == -5 and neutralise(2.5) == 2.5 and neutralise(None) is None


def test_a_saved_workbook_keeps_formula_like_text_as_text_and_numbers_as_numbers():
    book = Workbook()
    book.active.append([xlsx_value('=HYPERLINK("http://x")'), -5, xlsx_value("Mai\x07")])
    again = load_workbook(io.BytesIO(save_workbook(book)))
    text, number, name = again.active[1]
    assert (text.value, text.data_type) == ('=HYPERLINK("http://x")', "s")
    assert (number.value, number.data_type) == (-5, "n")
    assert name.value == "Mai"
