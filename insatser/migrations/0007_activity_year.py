"""An activity belongs to a year; its date is optional (printed only where known)."""

from django.db import migrations, models


def year_from_date(apps, schema_editor):
    Activity = apps.get_model("insatser", "Activity")
    for activity in Activity.objects.all().only("pk", "date"):
        Activity.objects.filter(pk=activity.pk).update(year=activity.date.year)


class Migration(migrations.Migration):
    dependencies = [
        ("insatser", "0006_document_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="year",
            field=models.PositiveIntegerField(null=True, verbose_name="år"),
        ),
        migrations.RunPython(year_from_date, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="activity",
            name="year",
            field=models.PositiveIntegerField(verbose_name="år"),
        ),
        migrations.AlterField(
            model_name="activity",
            name="date",
            field=models.DateField(blank=True, null=True, verbose_name="datum"),
        ),
        migrations.AlterModelOptions(
            name="activity",
            options={
                "ordering": ["year", "date", "pk"],
                "verbose_name": "aktivitet",
                "verbose_name_plural": "aktiviteter",
            },
        ),
    ]
