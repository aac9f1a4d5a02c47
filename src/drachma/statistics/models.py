"""Monthly counts of incidents, kept in step with the incidents table.

Statistics are read from here for whole months and from the incidents table only for the
part-months at the ends of a period, so a query's cost does not grow with the number of
incidents (bench/stats.py). Each incident adds one to the row of its month and area for
every dimension: ``total`` (value ""), and each of source, kind, outcome, status, recording
officer and group (one row per group). ``statistics.rollup`` keeps the rows in step: incidents'
services call it on every change they make (``incidents.figures``); ``manage.py
rebuild_statistics`` recomputes them.
"""

from django.db import models

from drachma.core.models import AuditedModel


class MonthlyCount(AuditedModel):
    month = models.DateField(help_text="First day of the month, UK time.")
    # Plain ids, 0 for "none": a NULL would defeat the unique key that upserts rely on.
    borough_id = models.IntegerField()
    ward_id = models.IntegerField()
    dimension = models.CharField(max_length=10)
    value = models.CharField(max_length=40, blank=True)
    n = models.IntegerField()

    audit_exclude = True  # derived figures, no personal data

    class Meta:
        permissions = [
            ("view_statistics", "Can see statistics, hotspots and charts"),
            ("answer_foi", "Can produce Freedom of Information answers and board reports"),
            ("export_incidents", "Can export incidents without personal data"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "month", "borough_id", "ward_id", "value"],
                name="unique_monthly_count",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}={self.value}: {self.n}"
