"""What each figure of the reports means, in one line: shown as the `title` of the term on the
dashboard's cards, on the glossary page (/ty-le/giai-thich/) and in the workbook's last sheet."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from config.dates import show
from coverage import svg


@dataclass(frozen=True)
class Term:
    key: str
    term: str
    text: str


def due_text(deadline: date | None, grace_days: int | None) -> str:
    """The due rule of one target: untrained but still within its deadline or grace."""
    if deadline and grace_days:
        return _(
            "Chưa được tập huấn nhưng còn hạn: đến hết ngày %(deadline)s hoặc %(grace)s ngày "
            "sau khi nhận chức danh (tính ngày muộn hơn)."
        ) % {"deadline": show(deadline), "grace": grace_days}
    if deadline:
        return _("Chưa được tập huấn nhưng còn hạn: đến hết ngày %(deadline)s.") % {
            "deadline": show(deadline)
        }
    return _("Chưa được tập huấn nhưng còn hạn: %(grace)s ngày sau khi nhận chức danh.") % {
        "grace": grace_days or 0
    }


def terms(deadline: date | None = None, grace_days: int | None = None) -> list[Term]:
    """Every term of the reports; the due rule is the given target's when one is given."""
    due = (
        due_text(deadline, grace_days)
        if (deadline or grace_days)
        else _(
            "Chưa được tập huấn nhưng còn hạn: đến hạn của chỉ tiêu hoặc đủ số ngày ân hạn sau khi "
            "nhận chức danh (tính ngày muộn hơn; các chỉ tiêu có sẵn: 31/12/2025 hoặc 180 ngày)."
        )
    )
    return [
        Term(
            "holders",
            _("Người giữ chức danh"),
            _(
                "Mỗi chức danh phải tập huấn đang có người giữ vào ngày tính (một người giữ hai "
                "chức danh được tính hai lần)."
            ),
        ),
        Term(
            "trained",
            _("Đã tập huấn"),
            _(
                "Chức danh có người giữ đã hoàn thành một chương trình được công nhận cho chức "
                "danh đó, còn hiệu lực vào ngày tính."
            ),
        ),
        Term("percent", _("Tỷ lệ"), _("Đã tập huấn ÷ người giữ chức danh × 100; mục tiêu 100%.")),
        Term(
            "persons",
            _("Theo người"),
            _(
                "Số người (không phải số chức danh) đã tập huấn đủ cho mọi chức danh mình giữ; "
                "khác số theo chức danh khi một người giữ nhiều chức danh."
            ),
        ),
        Term("due", _("Trong hạn"), due),
        Term(
            "overdue",
            _("Quá hạn"),
            _("Chưa được tập huấn và đã quá hạn đó; trong hạn + quá hạn = chưa tập huấn."),
        ),
        Term(
            "vacant",
            _("Còn trống"),
            _(
                "Chức danh một người ở thôn, tổ dân phố (bí thư chi bộ, trưởng ban công tác Mặt "
                "trận, tổ trưởng tổ dân vận…) không có ai giữ vào ngày tính; không tính vào tỷ lệ."
            ),
        ),
        Term(
            "boards",
            _("Ban đạt"),
            _(
                "Ban thanh tra nhân dân hoặc ban giám sát đầu tư cộng đồng có trưởng ban và mọi "
                "thành viên đã tập huấn."
            ),
        ),
        Term(
            "vacant_board",
            _("Xã chưa có Ban TTND"),
            _("Xã, phường không có Ban thanh tra nhân dân đang hoạt động vào ngày tính."),
        ),
        Term(
            "villages",
            _("Thôn có tổ trưởng"),
            _("Thôn, tổ dân phố có tổ trưởng tổ dân vận đang giữ chức danh vào ngày tính."),
        ),
    ]


def titles(deadline: date | None = None, grace_days: int | None = None) -> dict[str, str]:
    """key → explanation, for the `title` of each term on a card."""
    return {t.key: t.text for t in terms(deadline, grace_days)}


def colour_legend() -> list[tuple[str, str]]:
    """(colour, meaning) of the bars, as svg.bar_colour draws them."""
    return [
        (svg.bar_colour(100), _("đạt 100%")),
        (svg.bar_colour(80), _("từ 80% đến dưới 100%")),
        (svg.bar_colour(50), _("từ 50% đến dưới 80%")),
        (svg.bar_colour(0), _("dưới 50%")),
        (svg.bar_colour(None), _("không có ai để tính")),
    ]
