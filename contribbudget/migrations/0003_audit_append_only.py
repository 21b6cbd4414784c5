from django.db import migrations

from contribbudget.db import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("contribbudget", "0002_initial")]
    operations = [append_only_operation("contribbudget_auditevent")]
