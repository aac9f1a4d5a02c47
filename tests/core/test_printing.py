"""One base for printed documents: the marking, who printed it and when, and the page number
on every page; the marking from settings unless the document sets its own."""

import datetime
import subprocess

import pytest
import weasyprint
from django.template import Context, Template

from drachma.core.printing import print_context, render_pdf

AT = datetime.datetime(2026, 3, 12, 18, 2, tzinfo=datetime.UTC)

DOCUMENT = """{% extends "core/print_base.html" %}
{% block title %}Schedule{% endblock %}{MARKING}
{% block body %}<h1>Schedule</h1>
<form><button>Delete</button></form>
<details><summary>More</summary><p>Folded text</p></details>
{% for i in rows %}<p>Line {{ i }} of a long schedule.</p>{% endfor %}{% endblock %}"""


def pdf_pages(html: str, tmp_path) -> list[str]:
    pdf = tmp_path / "out.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    # pdftotext comes from poppler-utils, which .ci/system-deps.sh installs.
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def document(marking: str = "", **context) -> str:
    source = DOCUMENT.replace("{MARKING}", marking)
    return Template(source).render(Context({"rows": range(120), **context}))


@pytest.mark.django_db
def test_every_pdf_page_carries_the_marking_the_printer_the_time_and_its_number(
    make_user, settings, tmp_path
):
    settings.DRACHMA_CLASSIFICATION = "OFFICIAL-SENSITIVE"
    user = make_user("investigator")
    user.first_name, user.last_name = 'Ann "The Printer"', "O'Neil"
    html = document(**print_context(user, at=AT, for_pdf=True))
    pages = pdf_pages(html, tmp_path)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in page
        assert 'Printed by Ann "The Printer" O\'Neil on 12 March 2026, 18:02' in page
        assert f"Page {number} of {len(pages)}" in page
    text = "".join(pages)
    assert "Delete" not in text  # no buttons on paper
    assert "Folded text" in text  # nothing folded away


@pytest.mark.django_db
def test_a_document_sets_its_own_marking_through_the_old_footer_block(make_user, tmp_path):
    marking = "{% block footer %}SENSITIVE: NOT FOR DISCLOSURE{% endblock %}"
    html = document(marking, **print_context(make_user("disclosure_officer"), at=AT, for_pdf=True))
    pages = pdf_pages(html, tmp_path)
    assert all("SENSITIVE: NOT FOR DISCLOSURE" in page for page in pages)
    assert not any("OFFICIAL-SENSITIVE" in page for page in pages)


@pytest.mark.django_db
def test_the_marking_comes_from_settings(settings, tmp_path):
    settings.DRACHMA_CLASSIFICATION = "OFFICIAL"
    pages = pdf_pages(document(**print_context(None, at=AT, for_pdf=True)), tmp_path)
    assert all("OFFICIAL" in p and "Printed by Drachma" in p for p in pages)


@pytest.mark.django_db
def test_render_pdf(make_user):
    pdf = render_pdf("core/print_base.html", {}, user=make_user("analyst"), at=AT)
    assert pdf.startswith(b"%PDF")


@pytest.mark.django_db
def test_for_the_browser_the_marking_and_printer_are_fixed_to_every_page(make_user):
    user = make_user("analyst")
    html = document(**print_context(user, at=AT))
    assert "position: running" not in html and "position: fixed" in html
    assert '<div class="drachma-print-marking">OFFICIAL-SENSITIVE</div>' in html
    assert f"Printed by {user.get_full_name()} on 12 March 2026, 18:02" in html
