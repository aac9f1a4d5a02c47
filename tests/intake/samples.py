"""Sample records whose keys fill intake URLs in the role-matrix test."""

from drachma.intake import official, services
from tests.intake.conftest import PDF, PNG, upload


def build(world) -> dict:
    report = services.submit_report(
        reporter_type="public",
        concern="confrontation_happened",
        text="Sample report.",
        place="Preston",
        files=[upload("statement.pdf", PDF)],
    )
    routed = services.submit_report(
        reporter_type="group", concern="possible_offender", text="Sample referral."
    )
    staff = world.users["safeguarding_officer"]
    referral_in = official.receive_referral(
        user=staff,
        reporter_type="platform",
        sender="Sample Platform Ltd",
        sender_reference="SAMPLE-1",
        concern="possible_offender",
        text="Sample referral in.",
        files=[upload("image.png", PNG)],
    )
    onward = official.record_onward_referral(
        report,
        user=staff,
        destination="childrens_social_care",
        recipient="Sample council",
        channel="secure e-mail",
        what_sent="The sample report.",
    )
    return {
        "report_ref": report.reference,
        "referral_ref": routed.referral.reference,
        "referral_action": "accept",
        "position": 1,
        "file_id": referral_in.files.get().pk,
        "onward_id": onward.pk,
    }
