"""manage.py parse_chat: the JSON it prints and the errors it gives."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

SAMPLES = Path(__file__).parent / "samples"


def run(*args):
    out = StringIO()
    call_command("parse_chat", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


def test_whatsapp_output():
    data = run(SAMPLES / "android_en_24h_dayfirst.txt")
    assert data["format"] == "whatsapp"
    assert data["locale"] == "en"
    assert data["participants"] == ["Sam Hunter", "+44 7700 900123"]
    assert data["zone"] == "Europe/London"
    assert data["zone_assumed"] is True and data["zone_source"] == "default"
    assert data["message_count"] == len(data["messages"]) == 12
    first, multi = data["messages"][3], data["messages"][4]
    assert first == {
        "index": 3,
        "number": 4,  # as the app and the bundle number messages: from 1
        "sender": "Sam Hunter",
        "timestamp": "2021-03-12T18:05",
        "utc": "2021-03-12T18:05+00:00",
        "utc_basis": "zone",
        "text": "Right, everyone here?",
        "kind": "text",
        "edited": False,
        "attachments": [],
        "source_lines": [4],
        "source_index": 3,
    }
    assert multi["source_lines"] == [5, 6, 7]
    assert multi["text"] == "yes. we meet at the gate\nbring the camera\nand a charger"
    attached = data["messages"][6]
    assert (attached["kind"], attached["attachments"]) == (
        "attachment",
        ["IMG-20210312-WA0007.jpg"],
    )
    edited = data["messages"][9]
    assert (edited["text"], edited["edited"]) == ("Meet at 10 not 11", True)
    assert data["messages"][0]["details"] == {"event": "encryption_notice"}
    assert data["quality"]["message_count"] == 12
    assert data["quality"]["deleted"]["count"] == 2


def test_timezone_option_and_summer_time():
    data = run(SAMPLES / "ios_en_24h.txt", "--timezone", "Asia/Kolkata")
    assert data["zone"] == "Asia/Kolkata" and data["zone_source"] == "caller"
    msg = data["messages"][2]
    assert msg["timestamp"] == "2022-02-14T20:01:15"
    assert msg["utc"] == "2022-02-14T14:31:15+00:00"


def test_media_folder_and_gap_options(tmp_path):
    (tmp_path / "IMG-20210312-WA0007.jpg").write_bytes(b"jpeg")
    (tmp_path / "unrelated.opus").write_bytes(b"opus")
    data = run(SAMPLES / "android_en_24h_dayfirst.txt", "--media", tmp_path, "--gap-hours", "12")
    media = data["quality"]["media"]
    assert media["supplied_checked"] is True
    assert media["missing"] == []
    assert media["unreferenced_supplied"] == ["unrelated.opus"]
    assert [(g["start_timestamp"], g["end_timestamp"]) for g in data["quality"]["gaps"]] == [
        ("2021-03-12T18:09", "2021-03-13T09:15")
    ]


def test_json_formats_and_no_quality():
    data = run(SAMPLES / "telegram_result.json", "--no-quality", "--indent", "2")
    assert "quality" not in data
    assert data["format"] == "telegram"
    assert data["messages"][1]["text"] == "See this link: https://example.org"
    assert data["messages"][1]["utc_basis"] == "stated"
    assert data["messages"][1]["source_lines"][0] == 22
    meta = run(SAMPLES / "messenger_mojibake_bom.json")
    assert meta["messages"][0]["source_index"] == 6
    assert meta["messages"][2]["reactions"] == [{"reaction": "👍", "actor": "Chris Pike"}]


def test_errors_are_command_errors_without_traceback(tmp_path):
    with pytest.raises(CommandError, match="Line 2: the time '23:59 PM' is impossible"):
        run(SAMPLES / "impossible_time.txt")
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\nmilk\n")
    with pytest.raises(CommandError, match="Tried: WhatsApp text export"):
        run(notes)
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "missing.txt")
    with pytest.raises(CommandError, match="more than the limit of 10 bytes"):
        run(SAMPLES / "out_of_order.txt", "--max-bytes", "10")
    with pytest.raises(CommandError, match="Unknown time zone"):
        run(SAMPLES / "out_of_order.txt", "--timezone", "Nowhere/Land")
