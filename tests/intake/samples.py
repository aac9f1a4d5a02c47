"""Sample records whose keys fill intake URLs in the role-matrix test."""

from drachma.intake import services


def build(world) -> dict:
    report = services.submit_report(
        reporter_type="public",
        concern="confrontation_happened",
        text="Sample report.",
        place="Preston",
    )
    routed = services.submit_report(
        reporter_type="group", concern="possible_offender", text="Sample referral."
    )
    return {
        "report_ref": report.reference,
        "referral_ref": routed.referral.reference,
        "referral_action": "accept",
    }
