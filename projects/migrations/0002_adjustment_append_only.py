from django.db import migrations

from contribbudget.db import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [append_only_operation("projects_adjustment")]
