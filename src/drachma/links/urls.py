from django.urls import path

from drachma.links import views

app_name = "links"
urlpatterns = [
    path("", views.index, name="index"),
    path("chart/<str:chart_start>/", views.chart, name="chart"),
    path("chart/<str:chart_start>/export/<str:export_format>/", views.export, name="export"),
]
