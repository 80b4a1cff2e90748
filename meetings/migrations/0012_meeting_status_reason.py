from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0011_portal_colours"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="status_reason",
            field=models.TextField(
                blank=True,
                help_text="Why the meeting was cancelled or postponed, as the public is told.",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="postponed_to",
            field=models.DateField(
                blank=True,
                help_text="The new date of a postponed meeting, once it is known.",
                null=True,
            ),
        ),
    ]
