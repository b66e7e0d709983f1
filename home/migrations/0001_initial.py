import django.db.models.deletion
import wagtail.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("wagtailcore", "0040_page_draft_title")]

    operations = [
        migrations.CreateModel(
            name="HomePage",
            fields=[
                ("page_ptr", models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to="wagtailcore.page")),
                ("intro", models.CharField(blank=True, max_length=250, verbose_name="导语")),
                ("body", wagtail.fields.RichTextField(blank=True, verbose_name="正文")),
            ],
            options={"verbose_name": "首页"},
            bases=("wagtailcore.page",),
        ),
    ]
