from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("merit", "0002_guard_point_entries"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="pointentry",
            index=models.Index(fields=["occurred_on", "id"], name="point_entry_day_idx"),
        ),
    ]
