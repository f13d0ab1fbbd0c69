from django.db import migrations, models


def revoked_ones_are_other(apps, schema_editor) -> None:
    """Certificates revoked before categories existed: «Lý do khác» (their text stays)."""
    Certificate = apps.get_model("certificates", "Certificate")
    Certificate.objects.filter(status="revoked", revocation_category="").update(
        revocation_category="other"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_issuer_place_per_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="revocation_category",
            field=models.CharField(
                blank=True,
                choices=[
                    ("issued_by_mistake", "Cấp nhầm"),
                    ("wrong_details", "Sai thông tin"),
                    ("result_corrected", "Điều chỉnh kết quả"),
                    ("other", "Lý do khác"),
                ],
                max_length=20,
                verbose_name="loại lý do thu hồi",
            ),
        ),
        migrations.RunPython(revoked_ones_are_other, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "revoked"), _negated=True),
                    models.Q(("revocation_category", ""), _negated=True),
                    _connector="OR",
                ),
                name="certificate_revocation_has_category",
            ),
        ),
    ]
