"""In a real browser: an investigator records footage with its capture, then a re-upload of
it; the copy is matched, a draft takedown opens, and is worked to 'removal asked', the
group's removal, and closed through its confirmation page."""

import pytest

from drachma.takedown.models import ContentItem, TakedownRequest
from tests.conftest import sign_in_through_the_form
from tests.takedown import media_factory as mf


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reupload_is_found_and_its_takedown_worked(page, live_server, make_user, tmp_path, axe):
    officer = make_user("investigator", username="footage_officer")
    original = mf.save(mf.photo(1), tmp_path / "doorstep.png")
    copy = mf.save(mf.altered_copy(mf.photo(1)), tmp_path / "repost.jpg", "JPEG", quality=60)

    page.goto(f"{live_server.url}/accounts/login/")
    sign_in_through_the_form(page, officer)

    def record(url, platform, path):
        page.goto(f"{live_server.url}/takedown/new/")
        page.get_by_label("Web address").fill(url)
        page.get_by_label("Platform").select_option(platform)
        page.get_by_label("Captured copy").set_input_files(str(path))
        page.get_by_role("button", name="Save").click()
        page.get_by_role("heading", name="Footage FT-").wait_for()

    record("https://www.facebook.com/hunters/videos/1", "facebook", original)
    first = ContentItem.objects.get()
    assert page.get_by_text("Open a takedown request").is_visible()

    record("https://www.tiktok.com/@reposts/video/2", "tiktok", copy)
    assert page.get_by_text("It matches earlier footage").is_visible()
    assert page.get_by_role("link", name=first.reference).first.is_visible()
    draft = TakedownRequest.objects.get()
    assert draft.state == "draft" and draft.content_item.platform == "tiktok"

    page.get_by_role("button", name="Confirm for takedown").click()
    page.get_by_text(f"{draft.reference}: confirmed for takedown.").wait_for()
    form = page.locator("form", has=page.get_by_role("button", name="Ask the group to remove it"))
    form.get_by_label("Note").fill(
        "Please remove the video you reposted; it identifies a man not charged."
    )
    form.get_by_role("button", name="Ask the group to remove it").click()
    page.get_by_text(f"{draft.reference}: the group was asked to remove the footage.").wait_for()
    assert page.get_by_text("Please remove the video you reposted").first.is_visible()
    draft.refresh_from_db()
    assert draft.state == "removal_asked" and draft.group_message.startswith("Please remove")

    # The group took it down; closing the request goes through a page that says what happens.
    page.get_by_role("button", name="Record that the group removed it").click()
    page.get_by_text(f"{draft.reference}: recorded as removed by the group.").wait_for()
    page.get_by_role("link", name="Close").click()
    page.get_by_text("no more work is asked for").wait_for()
    assert axe(page) == []
    draft.refresh_from_db()
    assert draft.state == "removed_by_group"
    page.get_by_role("button", name="Close").click()
    page.get_by_text(f"{draft.reference}: closed.").wait_for()
    draft.refresh_from_db()
    assert draft.state == "closed"
