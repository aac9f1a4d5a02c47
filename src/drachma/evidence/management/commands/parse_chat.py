"""manage.py parse_chat FILE: a chat export as normalized JSON, with its quality report."""

import json
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from drachma.evidence.chats import (
    DEFAULT_MAX_BYTES,
    ChatParseError,
    parse_chat_file,
    quality_report,
)


class Command(BaseCommand):
    # A pure file-to-JSON tool: the project's system checks say nothing about it.
    requires_system_checks = []
    help = (
        "Read a WhatsApp, Messenger, Instagram or Telegram chat export and print it as "
        "normalized JSON with an evidential quality report (see docs/chat-exports.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export: WhatsApp .txt, message_N.json or result.json")
        parser.add_argument(
            "--timezone",
            default=None,
            help="IANA zone of the phone's clock, used to derive UTC (default Europe/London, "
            "recorded as assumed)",
        )
        parser.add_argument(
            "--date-order",
            choices=["auto", "day-first", "month-first"],
            default="auto",
            help="WhatsApp only: override the detected order of day and month",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=DEFAULT_MAX_BYTES,
            help=f"refuse files larger than this (default {DEFAULT_MAX_BYTES}; 0 for no limit)",
        )
        parser.add_argument(
            "--gap-hours",
            type=float,
            default=24.0,
            help="quality report: list silences longer than this many hours (default 24)",
        )
        parser.add_argument(
            "--media",
            action="append",
            default=None,
            metavar="PATH",
            help="quality report: a media file or a folder of media supplied with the export "
            "(repeatable); attachments the export names but that are not supplied are listed",
        )
        parser.add_argument(
            "--no-quality", action="store_true", help="leave out the quality report"
        )
        parser.add_argument(
            "--indent", type=int, default=None, help="pretty-print with this indent"
        )

    def handle(self, *args, **options):
        max_bytes = options["max_bytes"] or None
        if options["gap_hours"] <= 0:
            raise CommandError("--gap-hours must be more than 0.")
        supplied: list[str] | None = None
        if options["media"] is not None:
            supplied = []
            for entry in options["media"]:
                path = Path(entry)
                if path.is_dir():
                    supplied.extend(p.name for p in path.rglob("*") if p.is_file())
                elif path.is_file():
                    supplied.append(path.name)
                else:
                    raise CommandError(f"--media {entry}: no such file or folder.")
        try:
            conversation = parse_chat_file(
                options["file"],
                timezone=options["timezone"],
                max_bytes=max_bytes,
                date_order=options["date_order"],
            )
        except (ChatParseError, ValueError, OSError) as e:
            raise CommandError(str(e)) from None

        indent = options["indent"]
        head = conversation.header_dict()
        if not options["no_quality"]:
            head["quality"] = quality_report(
                conversation,
                gap_threshold=timedelta(hours=options["gap_hours"]),
                supplied_files=supplied,
            ).to_dict()
        # Written message by message so that a very large chat is never one giant string.
        out = self.stdout
        body = json.dumps(head, ensure_ascii=False, indent=indent)
        out.write(
            body[:-1].rstrip()
            + ("," if head else "")
            + ("\n" + " " * indent if indent is not None else " ")
            + '"messages": [',
            ending="",
        )
        sep = ""
        for message in conversation.iter_message_dicts():
            out.write(sep + json.dumps(message, ensure_ascii=False), ending="")
            sep = ",\n" if indent is not None else ", "
        out.write("]\n}" if indent is not None else "]}")
