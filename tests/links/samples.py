"""Sample keys for the link chart's URLs in the role-matrix test: a chart of a group."""

from drachma.groups import services


def build(world) -> dict:
    group = services.save_group(name="Sample Linked Group", status="active")
    other = services.save_group(name="Sample Other Group", status="active")
    return {
        "chart_start": f"group:{group.pk}",
        "chart_end": f"group:{other.pk}",
        "export_format": "graphml",
    }
