"""Seed the two certificate kinds of the training issue: 结业证书 and 资格证书."""

from django.db import migrations

KINDS = [
    {
        "code": "completion",
        "name": "结业证书",
        "title": "结业证书",
        "statement": (
            "于{start}至{end}参加{issuer}举办的“{course}”，完成规定学习任务，共计{hours}学时，"
            "经考核合格，准予结业。"
        ),
        "validity": "none",
        "validity_years": None,
        "training_types": ["onboarding", "rotation", "thematic"],
    },
    {
        "code": "qualification",
        "name": "资格证书",
        "title": "资格证书",
        "statement": (
            "于{start}至{end}参加{issuer}举办的“{course}”，共计{hours}学时，经考试考核合格，"
            "取得社会化工会工作者岗位资格。"
        ),
        "validity": "policy",
        "validity_years": None,
        "training_types": ["qualification"],
    },
]


def seed(apps, schema_editor):
    CertificateKind = apps.get_model("certificates", "CertificateKind")
    for kind in KINDS:
        CertificateKind.objects.update_or_create(code=kind["code"], defaults=kind)


def unseed(apps, schema_editor):
    CertificateKind = apps.get_model("certificates", "CertificateKind")
    CertificateKind.objects.filter(code__in=[kind["code"] for kind in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
