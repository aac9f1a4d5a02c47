"""manage.py hash_media FILE: a file's SHA-256 and perceptual hashes as JSON."""

import json

from django.core.management.base import BaseCommand, CommandError

from drachma.takedown.hashing import MediaError, hash_file


class Command(BaseCommand):
    # A pure file-to-JSON tool: the project's system checks say nothing about it.
    requires_system_checks = []
    help = (
        "Print a file's SHA-256 and, for an image, its PDQ hash (hex) and quality, or for a "
        "video its vPDQ frame hashes (one frame a second), as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="an image or a video")
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            help="refuse files larger than this many bytes (default: no limit)",
        )
        parser.add_argument(
            "--indent", type=int, default=None, help="pretty-print with this indent"
        )

    def handle(self, *args, **options):
        max_bytes = options["max_bytes"]
        if max_bytes is not None and max_bytes <= 0:
            raise CommandError("--max-bytes must be a positive number of bytes")
        try:
            result = hash_file(options["file"], max_bytes=max_bytes)
        except MediaError as exc:
            raise CommandError(f"{options['file']}: {exc}") from exc
        self.stdout.write(json.dumps(result, indent=options["indent"]))
