"""The production smoke test, run by .ci/prod-smoke.sh against gunicorn, the worker and the
scheduler started with production settings (not collected by pytest: it needs those running).

    python .ci/prod_smoke.py http://127.0.0.1:PORT

It speaks to the service as the force's load balancer would pass users on: plain HTTP with
X-Forwarded-Proto: https and X-Forwarded-For. Each step prints one line; any failure exits
non-zero naming the step.

1. /readyz answers 200 (waited for), /healthz too.
2. The public reporting page takes a report with an image; the file is in the S3 bucket.
3. An investigator logs in; captures an image on a footage item (kept in S3); looks the
   same image up against the bank and finds that item (matchable at once, from another worker).
4. /metrics answers the token (and refuses without it); the worker has run the queued tasks.
"""

import hashlib
import http.cookies
import io
import os
import random
import re
import sys
import time

import boto3
import numpy as np
import requests
from PIL import Image

BASE = sys.argv[1].rstrip("/")
HOST = BASE.split("://", 1)[1]
ORIGIN = f"https://{HOST}"
BUCKET = os.environ["DRACHMA_S3_BUCKET"]
TOKEN = os.environ["DRACHMA_METRICS_TOKEN"]
USERNAME = os.environ.get("SMOKE_USERNAME", "smoke_investigator")
PASSWORD = os.environ["SMOKE_PASSWORD"]
TOTP_KEY = os.environ["SMOKE_TOTP_KEY"]


class BalancerSession(requests.Session):
    """Cookies kept by hand: the service marks them Secure (it is told the request came over
    HTTPS), and a client on plain HTTP would otherwise never send them back; the balancer's
    TLS stands in front of the service."""

    def __init__(self) -> None:
        super().__init__()
        self.jar: dict[str, str] = {}

    def request(self, method, url, **kwargs):
        if self.jar:
            headers = dict(kwargs.pop("headers", None) or {})
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
            kwargs["headers"] = headers
        response = super().request(method, url, **kwargs)
        for history in [*response.history, response]:
            for header in history.raw.headers.getlist("Set-Cookie"):
                cookie = http.cookies.SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel.value:
                        self.jar[name] = morsel.value
                    else:
                        self.jar.pop(name, None)
        self.cookies.clear()
        return response


def session() -> requests.Session:
    s = BalancerSession()
    s.headers.update(
        {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"198.51.100.{random.randint(1, 250)}",
            "Origin": ORIGIN,
            "Referer": ORIGIN + "/",
        }
    )
    return s


def step(name: str, ok: bool, detail: str = "") -> None:
    print(f"{'ok ' if ok else 'FAILED'} {name}{': ' + detail if detail else ''}", flush=True)
    if not ok:
        sys.exit(1)


def field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    if not match:
        raise SystemExit(f"FAILED no field {name!r} on the page")
    return match.group(1)


def image() -> bytes:
    """A PNG no one has seen: noise at a few scales (PDQ finds plenty of detail in it)."""
    rng = np.random.default_rng(int.from_bytes(os.urandom(8), "big"))
    coarse = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    picture = Image.fromarray(coarse).resize((256, 256), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def wait_ready(timeout: float = 150) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            answer = requests.get(BASE + "/readyz", timeout=10)
            if answer.status_code == 200:
                step("/readyz", True, answer.text)
                return
            last = f"{answer.status_code} {answer.text}"
        except requests.RequestException as exc:
            last = type(exc).__name__
        time.sleep(1)
    step("/readyz", False, f"not ready after {timeout:.0f} s (last: {last})")


def s3_has(sha256: str) -> bool:
    s3 = boto3.client(
        "s3",
        endpoint_url=os.environ["DRACHMA_S3_ENDPOINT_URL"],
        region_name=os.environ["DRACHMA_S3_REGION"],
        aws_access_key_id=os.environ["DRACHMA_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["DRACHMA_S3_SECRET_ACCESS_KEY"],
    )
    key = f"evidence/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    try:
        s3.head_object(Bucket=BUCKET, Key=key)
    except s3.exceptions.ClientError:
        return False
    return True


def report_with_a_file() -> None:
    public = session()
    page = public.get(BASE + "/intake/report/", timeout=30)
    step("the reporting page", page.status_code == 200, str(page.status_code))
    step("its CSP header", "script-src 'self'" in page.headers.get("Content-Security-Policy", ""))
    picture = image()
    sha = hashlib.sha256(picture).hexdigest()
    answer = public.post(
        BASE + "/intake/report/",
        data={
            "csrfmiddlewaretoken": field(page.text, "csrfmiddlewaretoken"),
            "form_token": field(page.text, "form_token"),
            "reporter_type": "public",
            "concern": "confrontation_happened",
            "text": "Smoke test: a group filmed a man outside the station and streamed it.",
            "place": "Rochdale",
            "when_text": "Today",
            "website": "",
        },
        files={"files": ("screenshot.png", picture, "image/png")},
        timeout=60,
    )
    step("a report with a file", answer.status_code == 200 and sha in answer.text, sha[:16])
    step("the file in the S3 bucket", s3_has(sha), f"s3://{BUCKET}/evidence/…/{sha[:16]}…")


def staff_capture_and_match() -> None:
    staff = session()
    login = staff.get(BASE + "/accounts/login/", timeout=30)
    answer = staff.post(
        BASE + "/accounts/login/",
        data={
            "csrfmiddlewaretoken": field(login.text, "csrfmiddlewaretoken"),
            "username": USERNAME,
            "password": PASSWORD,
            "next": "/",
        },
        timeout=30,
        allow_redirects=False,
    )
    step(f"staff login ({USERNAME})", answer.status_code == 302, str(answer.status_code))
    from django_otp.oath import totp

    second = staff.get(BASE + "/accounts/two-factor/", timeout=30)
    answer = staff.post(
        BASE + "/accounts/two-factor/",
        data={
            "csrfmiddlewaretoken": field(second.text, "csrfmiddlewaretoken"),
            "token": f"{totp(bytes.fromhex(TOTP_KEY)):06d}",
        },
        timeout=30,
        allow_redirects=False,
    )
    step("second factor (TOTP)", answer.status_code == 302, str(answer.status_code))
    listing = staff.get(BASE + "/takedown/", timeout=30)
    refs = re.findall(r'href="/takedown/([A-Z][A-Z0-9-]+)/"', listing.text)
    step("the footage list", listing.status_code == 200 and bool(refs), f"{len(refs)} items")
    ref = refs[0]
    detail = staff.get(f"{BASE}/takedown/{ref}/", timeout=30)
    picture = image()
    sha = hashlib.sha256(picture).hexdigest()
    captured = staff.post(
        f"{BASE}/takedown/{ref}/captures/",
        data={"csrfmiddlewaretoken": field(detail.text, "csrfmiddlewaretoken")},
        files={"file": ("capture.png", picture, "image/png")},
        timeout=120,
    )
    after = staff.get(f"{BASE}/takedown/{ref}/", timeout=30)
    step(
        f"an evidence capture on {ref}",
        # The footage page lists each capture by its exhibit reference (EX-…).
        captured.status_code in (200, 302) and after.text.count("EX-") > detail.text.count("EX-"),
        sha[:16],
    )
    step("the capture in the S3 bucket", s3_has(sha))
    page = staff.get(BASE + "/takedown/match/", timeout=30)
    matched = staff.post(
        BASE + "/takedown/match/",
        data={"csrfmiddlewaretoken": field(page.text, "csrfmiddlewaretoken")},
        files={"file": ("lookup.png", picture, "image/png")},
        timeout=120,
    )
    found = matched.status_code == 200 and f'href="/takedown/{ref}/"' in matched.text
    step("a footage hash match finds it", found, ref)


def metrics_and_worker() -> None:
    refused = requests.get(BASE + "/metrics", timeout=30)
    step("/metrics without the token refused", refused.status_code == 403)
    deadline = time.monotonic() + 60
    while True:
        answer = requests.get(
            BASE + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        )
        text = answer.text
        queued = re.search(r'^drachma_tasks_queued\{queue="default"\} (\S+)$', text, re.M)
        waiting = float(queued.group(1)) if queued else 0.0
        if waiting == 0 or time.monotonic() > deadline:
            break
        time.sleep(1)
    step("/metrics with the token", answer.status_code == 200 and "drachma_request_seconds" in text)
    step("the worker ran the queued tasks", waiting == 0, f"{waiting:.0f} waiting")
    step("no task failed", re.search(r"^drachma_tasks_failed 0\.0$", text, re.M) is not None)


if __name__ == "__main__":
    started = time.monotonic()
    wait_ready()
    health = requests.get(BASE + "/healthz", timeout=10)
    step("/healthz", health.status_code == 200 and "X-Request-ID" in health.headers)
    report_with_a_file()
    staff_capture_and_match()
    metrics_and_worker()
    print(f"Smoke test passed in {time.monotonic() - started:.0f} s")
