from __future__ import annotations

from pathlib import Path

import pytest

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.accounts.services import organisation_create

SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def actor() -> Actor:
    return Actor.system("test")


@pytest.fixture
def organisation(db, actor) -> Organisation:
    return organisation_create(
        slug="atelier", legal_name="Atelier Dupont SAS", country="FR", actor=actor
    )


@pytest.fixture
def other_organisation(db, actor) -> Organisation:
    return organisation_create(
        slug="brasserie",
        legal_name="Brasserie Peeters SRL",
        country="BE",
        actor=actor,
        timezone="Europe/Brussels",
    )
