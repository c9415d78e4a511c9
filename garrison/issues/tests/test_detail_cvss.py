"""The live CVSS calculator: a partial scored on the server, for a typed vector or the v3.1 metric menus."""

from __future__ import annotations

import pytest
from django.urls import reverse

from garrison.issues.tests.detail_support import V31, V40

pytestmark = pytest.mark.django_db

PREVIEW = reverse("issues:cvss_preview")
LOW_METRICS = {"m_AV": "P", "m_AC": "H", "m_PR": "H", "m_UI": "R", "m_S": "U", "m_C": "L", "m_I": "N", "m_A": "N"}


def _partial(personas, persona="developer", method="post", **data):
    response = getattr(personas.client(persona), method)(PREVIEW, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith('<div class="cvss-preview" id="cvss-preview"') and "<html" not in text
    return text


def test_valid_v31_vector(personas):
    text = _partial(personas, cvss_vector=V31)
    assert '<strong class="score">9.8</strong>' in text and "sev-critical" in text and "CVSS 3.1" in text


def test_valid_v40_vector(personas):
    text = _partial(personas, method="get", cvss_vector=V40)
    assert '<strong class="score">9.3</strong>' in text and "sev-critical" in text and "CVSS 4.0" in text


def test_invalid_vector_names_the_metric(personas):
    text = _partial(personas, cvss_vector="CVSS:3.1/AV:N/AC:Q/PR:N/UI:N/S:U/C:H/I:H/A:H")
    assert "AC:Q" in text and "score" not in text.split("error", 1)[0]
    assert "Missing mandatory metrics &quot;A&quot;" in _partial(
        personas, cvss_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"
    )
    assert "VA:Q" in _partial(personas, cvss_vector=V40.replace("VA:H", "VA:Q"))


def test_metric_menus_build_the_vector_on_the_server(personas):
    text = _partial(personas, cvss_vector="", **LOW_METRICS)
    assert "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N" in text
    assert '<strong class="score">1.6</strong>' in text and "sev-low" in text


def test_a_metric_left_unchosen_is_named(personas):
    partial = {k: v for k, v in LOW_METRICS.items() if k not in ("m_S", "m_A")}
    text = _partial(personas, **partial)
    assert "Choose a value for Scope (S), Availability (A)." in text


def test_a_typed_vector_wins_over_the_menus(personas):
    text = _partial(personas, cvss_vector=V31, **LOW_METRICS)
    assert '<strong class="score">9.8</strong>' in text


def test_hostile_vector_is_escaped(personas):
    text = _partial(personas, cvss_vector="CVSS:3.1/<script>alert(1)</script>")
    assert "<script" not in text


def test_calculator_needs_issue_view(personas):
    for persona, status in (("reporter", 403), ("outsider", 403), ("anonymous", 302), ("auditor", 200)):
        assert personas.client(persona).post(PREVIEW, {"cvss_vector": V31}).status_code == status, persona
