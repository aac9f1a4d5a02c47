from django.core.management.base import BaseCommand, CommandError

from drachma.audit.services import anchor_head, verify


class Command(BaseCommand):
    help = (
        "Walk the audit log's chain against its anchors and name the first broken entry; when "
        "the log is intact, anchor its head with the witnesses."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-anchor",
            action="store_true",
            help="Check only; do not write the head to the witnesses.",
        )

    def handle(self, *args, no_anchor=False, **options):
        report = verify()
        if report.problem is not None:
            # A broken log is never anchored: the anchor would vouch for the damage.
            raise CommandError(
                f"Audit chain broken at {report.problem}. {report.checked} entries before it "
                "are intact."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.checked} entries verified.")
        )
        self.stdout.write(f"Sealed into the chain: {report.sealed}.")
        if report.unkeyed:
            self.stdout.write(
                f"Of those, {report.unkeyed} are unkeyed: sealed with plain SHA-256 before the "
                "chain had a key, and held by the first keyed seal after them and the anchors."
            )
        if report.unsealed:
            shown = ", ".join(f"#{seq}" for seq in report.unsealed[:10])
            more = "" if len(report.unsealed) <= 10 else f" and {len(report.unsealed) - 10} more"
            self.stdout.write(
                f"Not yet sealed: {len(report.unsealed)} ({shown}{more}); their own keyed "
                "hashes hold."
            )
        if report.unqueued:
            self.stdout.write(
                self.style.WARNING(
                    f"Of those, {len(report.unqueued)} were taken out of the sealer's queue by "
                    "hand; the hourly task queues them again (audit.tasks.requeue_unsealed)."
                )
            )
        if report.last_anchor is None:
            self.stdout.write("Anchors checked: none yet.")
        else:
            last = report.last_anchor
            self.stdout.write(
                f"Anchors checked: {report.anchors}, the last at #{last.position} "
                f"({last.at:%Y-%m-%d %H:%M:%S} UTC)."
            )
        if no_anchor:
            return
        try:
            anchor = anchor_head()
        except OSError as exc:
            raise CommandError(
                f"The chain is intact but its head could not be anchored: {exc}"
            ) from exc
        if anchor is not None:
            self.stdout.write(f"The head (#{anchor.position}) is anchored.")
