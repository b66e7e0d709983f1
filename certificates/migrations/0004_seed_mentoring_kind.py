"""Seed the certificate kind of the mentorship issue: 导师带徒 (for a completed 高师带徒 pairing)."""

from django.db import migrations

KIND = {
    "code": "mentoring",
    "name": "导师带徒",
    "title": "导师带徒证书",
    "statement": (
        "于{start}至{end}参加{issuer}组织的高师带徒活动，在导师{mentor}指导下完成带教计划，"
        "共计带教{hours}学时，经考核合格。"
    ),
    "validity": "none",
    "validity_years": None,
    "training_types": [],  # never the default kind of a course
}


def seed(apps, schema_editor):
    CertificateKind = apps.get_model("certificates", "CertificateKind")
    CertificateKind.objects.update_or_create(code=KIND["code"], defaults=KIND)


def unseed(apps, schema_editor):
    CertificateKind = apps.get_model("certificates", "CertificateKind")
    CertificateKind.objects.filter(code=KIND["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("certificates", "0003_certificate_subject")]

    operations = [migrations.RunPython(seed, unseed)]
