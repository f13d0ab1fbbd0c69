"""The role catalogue of DOMAIN.md §2. Codes are stable; labels and kinds are editable data."""

from django.db import migrations

from people.text import match_key

AGENCIES = ["agency", "party_committee", "people_committee"]
MASS_ORGS = [
    "women_union", "youth_union", "farmers_association", "veterans_association", "trade_union",
]  # fmt: skip
# code, label, organisation kinds, level, single seat, minimum holders, is head
ROLES = [
    ("party_cell_secretary", "Bí thư chi bộ", ["party_cell"], "village", True, 0, True),
    ("village_cadre_in_charge", "Cán bộ phụ trách thôn, tổ dân phố", ["party_cell"], "village",
     True, 0, False),
    ("front_committee_head", "Trưởng ban công tác Mặt trận", ["front_work_committee"], "village",
     True, 0, True),
    ("mobilization_team_head", "Tổ trưởng tổ dân vận", ["mobilization_team"], "village", True, 0,
     True),
    ("inspection_board_head", "Trưởng ban thanh tra nhân dân", ["people_inspection_board"],
     "commune", True, 0, True),
    ("inspection_board_member", "Thành viên ban thanh tra nhân dân", ["people_inspection_board"],
     "commune", False, 5, False),
    ("investment_board_head", "Trưởng ban giám sát đầu tư của cộng đồng",
     ["investment_supervision_board"], "commune", True, 0, True),
    ("investment_board_member", "Thành viên ban giám sát đầu tư của cộng đồng",
     ["investment_supervision_board"], "commune", False, 5, False),
    ("front_key_cadre", "Cán bộ chủ chốt Ủy ban MTTQ", ["front_committee"], "any", False, 0, False),
    ("mass_org_key_cadre", "Cán bộ chủ chốt tổ chức chính trị - xã hội", MASS_ORGS, "any", False,
     0, False),
    ("mobilization_leader", "Lãnh đạo phụ trách công tác dân vận", AGENCIES, "any", False, 0,
     False),
    ("mobilization_adviser", "Cán bộ, công chức tham mưu công tác dân vận", AGENCIES, "any", False,
     0, False),
]  # fmt: skip


def seed(apps, schema_editor):
    Role = apps.get_model("people", "Role")
    for order, (code, label, kinds, level, single, minimum, head) in enumerate(ROLES, start=1):
        Role.objects.update_or_create(
            code=code,
            defaults={
                "label": label, "org_kinds": kinds, "level": level, "single_seat": single,
                "min_holders": minimum, "is_head": head, "order": order,
                "label_key": match_key(label),
            },
        )  # fmt: skip


def unseed(apps, schema_editor):
    apps.get_model("people", "Role").objects.filter(code__in=[r[0] for r in ROLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0002_position_overlap_triggers")]

    operations = [migrations.RunPython(seed, unseed)]
