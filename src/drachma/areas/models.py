"""Greater Manchester's boroughs and wards (ONS), and the force's own districts."""

from django.db import models

from drachma.core.models import AuditedModel


class Borough(AuditedModel):
    code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=100, unique=True)
    population = models.PositiveIntegerField(help_text="Census 2021 usual residents")
    boundary = models.JSONField(help_text="GeoJSON geometry, WGS84")

    audit_exclude = True

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ward(AuditedModel):
    code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=100)
    borough = models.ForeignKey(Borough, on_delete=models.PROTECT, related_name="wards")
    boundary = models.JSONField(help_text="GeoJSON geometry, WGS84")
    centroid_lat = models.FloatField()
    centroid_lon = models.FloatField()

    audit_exclude = True

    class Meta:
        ordering = ["borough__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.borough.name})"


class District(AuditedModel):
    """A force-defined area: a named set of wards, which need not follow borough lines."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    wards = models.ManyToManyField(Ward, related_name="districts")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
