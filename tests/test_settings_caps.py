"""The caps on templates, messages and drafts are read from the environment."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from relance.lib import env


def test_a_cap_is_a_whole_number_above_zero_or_the_default():
    assert env.size_limit("RELANCE_MESSAGE_MAX_BYTES", None, 200_000) == 200_000
    assert env.size_limit("RELANCE_MESSAGE_MAX_BYTES", " ", 200_000) == 200_000
    assert env.size_limit("RELANCE_MESSAGE_MAX_BYTES", "500_000", 200_000) == 500_000
    for wrong in ("0", "-5", "200 Ko", "1e6"):
        with pytest.raises(ImproperlyConfigured, match=r"RELANCE_MESSAGE_MAX_BYTES=.* not valid"):
            env.size_limit("RELANCE_MESSAGE_MAX_BYTES", wrong, 200_000)


def test_the_defaults_are_the_documented_ones(settings):
    assert settings.RELANCE_TEMPLATE_MAX_BYTES == 50_000
    assert settings.RELANCE_MESSAGE_MAX_BYTES == 200_000
    assert settings.RELANCE_DRAFT_MAX_CHARS == 20_000
