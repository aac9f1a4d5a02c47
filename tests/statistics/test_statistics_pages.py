import io
import subprocess

from django.core.management import call_command
from openpyxl import load_workbook

PERIOD = "start=2017-01-01&end=2018-12-31"


def test_overview_page_shows_figures_map_and_charts(small_fixture, analyst_client):
    page = analyst_client.get(f"/statistics/?{PERIOD}").content.decode()
    assert "<svg" in page and 'id="borough-map"' in page and 'id="time-series"' in page
    assert "E08000005" in page  # the borough map carries ONS codes
    assert "Getis-Ord" in page


def test_overview_refuses_bad_period_and_unknown_area(analyst_client, db):
    page = analyst_client.get("/statistics/?start=2018-01-01&end=2017-01-01").content.decode()
    assert "The period ends before it starts." in page and "<svg" not in page
    page = analyst_client.get(
        "/statistics/?start=2017-01-01&end=2017-02-01&areas=E08999999"
    ).content.decode()
    assert "Select a valid choice" in page


def test_table_exports_csv_and_xlsx(small_fixture, analyst_client):
    response = analyst_client.get(f"/statistics/tables/borough.csv?{PERIOD}")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Rochdale,4" in text and "Wigan,0" in text
    response = analyst_client.get(f"/statistics/tables/source.xlsx?{PERIOD}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Group self-report"] == 9
    assert analyst_client.get(f"/statistics/tables/officer.csv?{PERIOD}").status_code == 400


def test_incident_extract_has_no_personal_data(small_fixture, analyst_client):
    from drachma.incidents.services import update_incident

    incident = small_fixture[0]
    update_incident(
        incident,
        user=None,
        summary="Confronted JOHN SMITH at 12 Acacia Avenue",
        place="12 Acacia Avenue",
    )
    text = analyst_client.get(f"/statistics/incidents.csv?{PERIOD}").content.decode("utf-8-sig")
    assert incident.reference in text
    assert "SMITH" not in text and "Acacia" not in text
    assert text.splitlines()[0].startswith("reference,occurred_date")


def test_csv_export_neutralises_formulas(small_fixture, analyst_client):
    from drachma.groups.services import save_group

    group = save_group(name='=HYPERLINK("http://x")', status="active")
    small_fixture[0].groups.add(group)
    text = analyst_client.get(f"/statistics/incidents.csv?{PERIOD}").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_foi_page_and_downloads(small_fixture, analyst_client):
    page = analyst_client.get(f"/statistics/foi/?{PERIOD}&by=area&by=year").content.decode()
    assert "the force received" in page and "fewer than 5" in page
    csv = analyst_client.get(f"/statistics/foi/?{PERIOD}&by=area&format=csv")
    assert csv["Content-Disposition"].startswith("attachment") and b"Total," in csv.content
    refused = analyst_client.get(f"/statistics/foi/?{PERIOD}&by=group").content.decode()
    assert "group is not one of the available choices" in refused


def test_board_report_pdf_text(small_fixture, client_as):
    client = client_as("supervisor")
    response = client.post(
        "/statistics/board-report/", {"start": "2017-01-01", "end": "2017-12-31"}
    )
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(text.split())
    assert "report to the board" in text
    assert "1 January 2017 to 31 December 2017" in text
    assert "Where: hotspots" in text and "Rochdale" in text
    assert "fewer than 5" in text
    assert "Trend against the same period a year before" in text


def test_board_report_command(small_fixture, tmp_path):
    out = tmp_path / "board.pdf"
    call_command(
        "board_report", "--from", "2017-01-01", "--to", "2018-12-31", str(out), stdout=io.StringIO()
    )
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())
    assert "report to the board" in text


def test_api_counts_foi_hotspots_and_errors(small_fixture, analyst_client):
    body = analyst_client.get(f"/api/statistics/counts?{PERIOD}&by=borough").json()
    rows = {r["label"]: r["count"] for r in body["rows"]}
    assert rows["Rochdale"] == 4 and body["total"] == 12
    foi = analyst_client.get(f"/api/statistics/foi?{PERIOD}&by=area").json()
    assert foi["outside_greater_manchester"]["display"] == "fewer than 5"
    assert (
        "value" not in foi["outside_greater_manchester"]
        or foi["outside_greater_manchester"]["value"] is None
    )
    spots = analyst_client.get(f"/api/statistics/hotspots?{PERIOD}&level=borough").json()
    assert len(spots["areas"]) == 10
    bad = analyst_client.get("/api/statistics/counts?start=2018-01-01&end=2017-01-01&by=area")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "end"
    bad = analyst_client.get(f"/api/statistics/counts?{PERIOD}&by=officer")
    assert bad.status_code == 422 and "names people" in bad.json()["errors"][0]["message"]
    bad = analyst_client.get(f"/api/statistics/counts?{PERIOD}&by=area&areas=nowhere")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "areas"


def test_wards_without_incidents_show_zero_not_no_data(small_fixture, analyst_client):
    import datetime

    from drachma.statistics.reports import overview_context
    from drachma.statistics.selectors import Period

    context = overview_context(
        Period.of(datetime.date(2017, 1, 1), datetime.date(2018, 12, 31)), None
    )
    ward_map = str(context["ward_map_svg"])
    assert "no data" not in ward_map.lower()
    # Piccadilly (Manchester) had no incidents: its tooltip says 0; Deansgate had 2.
    assert "Piccadilly (E05011376): 0 incidents" in ward_map
    assert "Deansgate (E05011361): fewer than 5 incidents" in ward_map
    # Only significant wards are listed as hot or cold spots.
    assert all(a.significant for a in context["ward_hot"])
