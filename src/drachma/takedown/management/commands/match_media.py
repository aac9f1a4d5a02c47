import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Print, as JSON, the known footage an image or video matches, with the distances: PDQ "
        "bits for images (in any rotation or mirroring), the share of matching vPDQ frames for "
        "videos; and the signals of imported hash lists it matches."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The image or video to look up")
        parser.add_argument("--max-bytes", type=int, default=None, help="Refuse a larger file")

    def handle(self, *args, file, max_bytes, **options):
        from drachma.takedown.index import hash_media, match_media, search_signals

        try:
            media = hash_media(file, max_bytes=max_bytes)
        except ValidationError as exc:
            raise CommandError(f"{file}: {' '.join(exc.messages)}") from None
        matches = match_media(media)
        result = {
            "file": str(file),
            "sha256": media.sha256,
            "media_kind": media.kind,
            "matchable": media.matchable,
            "matches": [m.as_dict() for m in matches],
            "imported_list_matches": [h.as_dict() for h in search_signals(media)],
        }
        self.stdout.write(json.dumps(result, indent=2))
