"""Citizen ID numbers (số định danh cá nhân / CCCD): format and consistency checks."""

import re
from datetime import date

# Province codes of birth registration: the legacy GSO province codes on three digits.
PROVINCE_CODES = {
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
    "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
    "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
    "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
    "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
}  # fmt: skip
# Century/sex digit: even = male, odd = female; pairs per century. 0/1 are the 1900s, 2/3 the
# 2000s; 4/5, 6/7, 8/9 are the 2100s, 2200s and 2300s: nobody alive has them (refused).
CENTURY_BASE = {0: 1900, 2: 2000}
MALE, FEMALE = "M", "F"
_TWELVE = re.compile(r"^\d{12}$")
_NINE = re.compile(r"^\d{9}$")


def normalise(raw: object) -> str:
    """Digits only; spreadsheets drop leading zeros of numbers, so pad a 11-digit value."""
    text = digits(raw)
    if text.isdigit() and len(text) == 11:
        text = "0" + text
    return text


def digits(raw: object) -> str:
    """The number as typed, without spaces, dots or dashes (nor a number cell's ".0")."""
    text = re.sub(r"[\s.\-]", "", str(raw or "")).strip()
    return text[:-2] if text.endswith(".0") else text


def is_legacy_number(number: str) -> bool:
    return bool(_NINE.match(number))


def check_citizen_id(number: str, *, sex: str = "", birth_date: date | None = None) -> list[str]:
    """Problems with a 12-digit citizen ID, in Vietnamese; empty when it is consistent."""
    if number.isdigit() and len(number) in (10, 11):  # Hà Giang's 002… loses one or two zeros
        return [
            f"Số CCCD có {len(number)} chữ số, phải có 12 chữ số — Excel có thể đã bỏ số 0 đầu "
            "(định dạng ô là Văn bản rồi gõ đủ 12 số)"
        ]
    if not _TWELVE.match(number):
        return ["Số CCCD phải gồm đúng 12 chữ số"]
    problems = []
    if number[:3] not in PROVINCE_CODES:
        problems.append(f"mã tỉnh nơi đăng ký khai sinh {number[:3]} không tồn tại")
    digit = int(number[3])
    if digit - digit % 2 not in CENTURY_BASE:
        century = 20 + digit // 2  # 8 → the 2300s, the 24th century
        problems.append(
            f"chữ số thứ 4 ({digit}) chỉ thế kỷ {century} — không thể là người đang sống"
        )
        return problems
    century = CENTURY_BASE[digit - digit % 2]
    id_sex = MALE if digit % 2 == 0 else FEMALE
    if sex and sex != id_sex:
        problems.append(
            f"chữ số thứ 4 ({digit}) cho biết giới tính {'Nam' if id_sex == MALE else 'Nữ'}, "
            "không khớp với giới tính đã khai"
        )
    id_year = century + int(number[4:6])
    if id_year > date.today().year:
        problems.append(f"năm sinh trong số CCCD là {id_year}, ở tương lai")
    elif birth_date:
        if id_year != birth_date.year:
            problems.append(f"năm sinh trong số CCCD là {id_year}, không khớp với ngày sinh")
    return problems


def mask(number: str | None) -> str:
    """'002*******45': the province code and last two digits stay visible."""
    if not number:
        return ""
    if len(number) <= 5:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 5) + number[-2:]


_NUMBER_RUN = re.compile(r"\d{9,}")
# Shown when a citizen ID arrives in a query string (URLs end up in server and proxy logs).
ID_IN_URL = (
    "Không tìm theo số CCCD trên địa chỉ trang (địa chỉ được ghi vào nhật ký máy chủ): "
    "dùng ô «Tìm theo số CCCD», số được gửi kín"
)


def holds_number(text: str | None) -> bool:
    """The text carries what may be a citizen ID or an old ID number (9 or more digits in a
    row, spaces, dots and dashes between digits ignored)."""
    return bool(_NUMBER_RUN.search(re.sub(r"(?<=\d)[\s.\-]+(?=\d)", "", text or "")))
