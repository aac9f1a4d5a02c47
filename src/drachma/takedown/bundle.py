"""The publication log's part of the prosecutor's bundle (``drachma.evidence.bundle``)."""

from drachma.evidence.bundle import BundleSection
from drachma.takedown import documents


def _publication_log(incident) -> list[tuple[str, bytes | str]]:
    return [
        ("publication-log.csv", documents.publication_csv(incident)),
        ("publication-log.pdf", documents.publication_pdf(incident)),
    ]


BUNDLE_SECTIONS = [
    BundleSection(
        files=_publication_log,
        readme="publication-log.*: where material was found published online before trial.",
    )
]
