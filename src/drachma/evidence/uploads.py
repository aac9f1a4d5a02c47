"""Streaming uploads of evidence: files past the size limit are dropped while they arrive."""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from drachma.evidence import conf
from drachma.evidence.store import EvidenceTooLarge


class EvidenceUploadHandler(FileUploadHandler):
    """Refuse, chunk by chunk, a file larger than ``DRACHMA_EVIDENCE_MAX_BYTES``, so that it is
    never written out in full; the refusal is noted in ``request.evidence_upload_problems``."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.problems: list[str] = []
        if request is not None:
            request.evidence_upload_problems = self.problems

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        limit = conf.max_bytes()
        if self.received > limit:
            self.problems.append(
                f"{self.file_name}: {EvidenceTooLarge(self.received, limit)} Nothing was stored."
            )
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None
