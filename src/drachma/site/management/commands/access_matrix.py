from django.core.management.base import BaseCommand

from drachma.site.access_matrix import all_endpoints, render_all, render_section


class Command(BaseCommand):
    help = (
        "Print the access matrix drafted from the code (view permissions and role grants), "
        "for review before it goes into docs/roles.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--section", help="Only this app's section (its label).")

    def handle(self, *args, section=None, **options):
        if section:
            endpoints = [e for e in all_endpoints() if e.section == section]
            self.stdout.write(render_section(section, endpoints))
        else:
            self.stdout.write(render_all())
