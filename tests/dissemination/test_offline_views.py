"""The portal side of the offline edition: the public key page and the staff build page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from clearinghouse.dissemination.models import OfflineEditionJob
from clearinghouse.dissemination.offline import manifest
from tests.accounts.people import make_account, signed_in
from tests.dissemination.offline_fixtures import catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signing_key(settings, tmp_path):
    settings.CLEARINGHOUSE_OFFLINE_KEY = str(tmp_path / "offline.pem")
    settings.DATA_DIR = tmp_path / "data"


def test_public_key_page_shows_the_signing_key(client):
    html = client.get(reverse("offline:key")).content.decode()
    key = manifest.installation_public_key()
    assert key in html and manifest.fingerprint(key) in html


def test_staff_build_in_the_background_with_progress_and_download(
    vocabularies, django_capture_on_commit_callbacks, tmp_path
):
    data = catalogue()
    staff = signed_in(make_account("analyst"))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("offline:staff"),
            {"languages": "en fr", "files": "on", "iso": "on", "max_size": "700MB"},
        )
    job = OfflineEditionJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/offline/staff/{job.pk}/"
    )
    assert job.status == "done" and job.done == job.total > 0 and job.records == 2
    page = staff.get(reverse("offline:job", args=[job.pk])).content.decode()
    assert "100%" in page and reverse("offline:download", args=[job.pk, "zip"]) in page
    download = staff.get(reverse("offline:download", args=[job.pk, "zip"]))
    body = b"".join(download.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        archive.extractall(tmp_path / "unzipped")
    assert manifest.verify(tmp_path / "unzipped", public_key=manifest.installation_public_key()).ok
    assert staff.get(reverse("offline:download", args=[job.pk, "iso"])).status_code == 200
    restricted = data["records"]["restricted"]
    assert not (tmp_path / "unzipped" / "en" / "records" / f"{restricted.pk}.html").exists()


def test_staff_page_refuses_others_and_a_refused_build_says_why(
    vocabularies, django_capture_on_commit_callbacks
):
    reader = signed_in(make_account("reader"))
    assert reader.get(reverse("offline:staff")).status_code == 404
    assert reader.post(reverse("offline:staff"), {"files": "on"}).status_code == 404
    assert not OfflineEditionJob.objects.exists()
    catalogue()
    staff = signed_in(make_account("analyst"))
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("offline:staff"), {"files": "on", "max_size": "5KB"})
    job = OfflineEditionJob.objects.get()
    assert job.status == "failed" and "over the limit" in job.message
    assert "over the limit" in staff.get(reverse("offline:job", args=[job.pk])).content.decode()
