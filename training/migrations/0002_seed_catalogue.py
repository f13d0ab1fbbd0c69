"""The programmes and Resolution 33 targets of DOMAIN.md §1. Editable data, versioned by valid_from."""

from datetime import date

from django.db import migrations

LEGAL_BASIS = "Nghị quyết số 33-NQ/TU ngày 19/05/2023 của Ban Thường vụ Tỉnh ủy Hà Giang"
DEADLINE = date(2025, 12, 31)

# code, title, kind
PROGRAMMES = [
    ("dv-cq", "Công tác dân vận ở cơ quan, đơn vị, địa phương", "conference"),
    ("nv-mttq", "Nghiệp vụ công tác dân vận, mặt trận và đoàn thể", "conference"),
    ("xdd-kndv", "Công tác xây dựng Đảng và kỹ năng công tác dân vận", "conference"),
    ("nv-ttnd", "Nghiệp vụ Ban thanh tra nhân dân", "conference"),
    ("nv-gsdtcd", "Nghiệp vụ giám sát đầu tư của cộng đồng", "conference"),
]

# code, title, counting, {role code: [programme codes]}
TARGETS = [
    ("nq33-agency",
     "Lãnh đạo phụ trách, cán bộ, công chức tham mưu thực hiện công tác dân vận ở các cơ quan, "
     "đơn vị, địa phương được tập huấn về công tác dân vận",
     "person",
     {"mobilization_leader": ["dv-cq"], "mobilization_adviser": ["dv-cq"]}),
    ("nq33-front",
     "Cán bộ chủ chốt của Mặt trận Tổ quốc, các tổ chức chính trị - xã hội được tập huấn nghiệp vụ "
     "công tác dân vận, mặt trận và đoàn thể",
     "person",
     {"front_key_cadre": ["nv-mttq"], "mass_org_key_cadre": ["nv-mttq"]}),
    ("nq33-village",
     "Cán bộ phụ trách, Bí thư chi bộ, Trưởng ban công tác mặt trận thôn, Tổ trưởng tổ dân vận "
     "thôn, tổ dân phố được tập huấn về công tác xây dựng đảng và kỹ năng công tác dân vận",
     "person",
     {"party_cell_secretary": ["xdd-kndv"], "village_cadre_in_charge": ["xdd-kndv"],
      "front_committee_head": ["xdd-kndv"], "mobilization_team_head": ["xdd-kndv"]}),
    ("nq33-boards",
     "100% số Ban thanh tra nhân dân, Ban giám sát đầu tư cộng đồng các xã, phường, thị trấn "
     "được tập huấn nghiệp vụ",
     "board",
     {"inspection_board_head": ["nv-ttnd"], "inspection_board_member": ["nv-ttnd"],
      "investment_board_head": ["nv-gsdtcd"], "investment_board_member": ["nv-gsdtcd"]}),
    ("nq33-teams",
     "100% thôn, tổ dân phố xây dựng và duy trì tổ dân vận",
     "village",
     {"mobilization_team_head": []}),
]  # fmt: skip


def seed(apps, schema_editor):
    Programme = apps.get_model("training", "Programme")
    Target = apps.get_model("training", "Target")
    TargetRule = apps.get_model("training", "TargetRule")
    Role = apps.get_model("people", "Role")
    programmes = {}
    for code, title, kind in PROGRAMMES:
        programmes[code], _ = Programme.objects.update_or_create(
            code=code,
            defaults={"title": title, "kind": kind, "days": 1, "min_attendance_share": 1},
        )
    roles = {r.code: r for r in Role.objects.all()}
    for code, title, counting, rules in TARGETS:
        target, _ = Target.objects.update_or_create(
            code=code,
            valid_from=None,
            defaults={
                "title": title,
                "legal_basis": LEGAL_BASIS,
                "counting": counting,
                "deadline": DEADLINE,
                "grace_days": 180,
                "member_share": 1,
            },
        )
        for role_code, programme_codes in rules.items():
            rule, _ = TargetRule.objects.get_or_create(target=target, role=roles[role_code])
            rule.programmes.set([programmes[c] for c in programme_codes])


def unseed(apps, schema_editor):
    Target = apps.get_model("training", "Target")
    Target.objects.filter(code__in=[t[0] for t in TARGETS], valid_from=None).delete()
    Programme = apps.get_model("training", "Programme")
    Programme.objects.filter(code__in=[p[0] for p in PROGRAMMES], courses=None, records=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_training"),
        ("people", "0003_seed_roles"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
