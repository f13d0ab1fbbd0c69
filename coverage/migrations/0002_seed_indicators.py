from decimal import Decimal

from django.db import migrations

# The resolution's non-training targets (Nghị quyết 33-NQ/TU, 19/05/2023).
INDICATORS = [
    ("nq33-dossiers", "Tỷ lệ hồ sơ của công dân được trả đúng hạn", "98", "gte", "%", 1),
    ("nq33-complaints", "Tỷ lệ giải quyết khiếu nại, tố cáo", "85", "gt", "%", 2),
    ("nq33-decisions", "Tỷ lệ quyết định giải quyết khiếu nại được thi hành", "90", "gt", "%", 3),
    (
        "nq33-supervision",
        "Số chính sách được Mặt trận, mỗi tổ chức chính trị - xã hội giám sát trong năm",
        "1",
        "gte",
        "chính sách",
        4,
    ),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("coverage", "Indicator")
    for code, title, target, comparison, measure, order in INDICATORS:
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "target_value": Decimal(target),
                "comparison": comparison,
                "unit_of_measure": measure,
                "order": order,
            },
        )


def unseed(apps, schema_editor):
    Indicator = apps.get_model("coverage", "Indicator")
    Indicator.objects.filter(code__in=[row[0] for row in INDICATORS], values__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("coverage", "0001_snapshots_and_indicators")]

    operations = [migrations.RunPython(seed, unseed)]
