"""Matrix entries: distribution lists and pre-notification (see tests/authz/spec.py for the vocabulary).

Lists are read with ADVISORY_VIEW and changed with DISTRIBUTION_MANAGE (lead, admin). The send page is for an
advisory: ``advisory`` and ``secret_advisory`` are invisible (404) to the auditor and admin (they may not see the
issues), so only the lead may send for them; ``public_advisory`` is visible to every ADVISORY_VIEW holder. The world
has no lists: the URL functions make one (GETs are not snapshotted)."""

from __future__ import annotations

from typing import Any

from garrison.disclosure.models_lists import DistributionList, Recipient
from tests.authz.spec import ADMIN, AUDITOR, LEAD, SIGNED_IN, TRIAGER, Check, World, api, form, page

VIEW = frozenset({LEAD, TRIAGER, AUDITOR, ADMIN})
MANAGE = frozenset({LEAD, ADMIN})
TEAM = frozenset({LEAD, TRIAGER})
OUTSIDE_TEAM = frozenset({AUDITOR, ADMIN})
NOT_POST = frozenset({405})


def _list(w: World) -> DistributionList:
    found = DistributionList.objects.filter(name="Matrix partners").first()
    if found is None:
        found = DistributionList.objects.create(name="Matrix partners")
    return found


def _recipient(w: World) -> Recipient:
    dl = _list(w)
    found = Recipient.objects.filter(distribution_list=dl).first()
    if found is None:
        found = Recipient.objects.create(distribution_list=dl, email="psirt@partner.example", time_zone="Asia/Tokyo")
    return found


def _list_body(w: World) -> dict[str, Any]:
    return {"name": "Customers", "description": "Hosting customers", "components": [str(w["core_api"].pk)]}


def _recipient_body(w: World) -> dict[str, Any]:
    return {"email": "ops@customer.example", "name": "Ops", "time_zone": "Europe/Paris", "pgp_public_key": ""}


def _send(key: str) -> Any:
    return lambda w: f"/disclosure/lists/send/{w[key].identifier}"


ROUTES: dict[str, list[Check]] = {
    "distribution:index": [page(lambda w: (_recipient(w), "/disclosure/lists/")[1], VIEW)],
    "distribution:list_create": [
        page(lambda w: "/disclosure/lists/new", MANAGE),
        form(lambda w: "/disclosure/lists/new", MANAGE, _list_body),
    ],
    "distribution:list_delete": [
        page(lambda w: f"/disclosure/lists/{_list(w).pk}/delete", SIGNED_IN, ok=NOT_POST),
        form(lambda w: f"/disclosure/lists/{_list(w).pk}/delete", MANAGE),
    ],
    "distribution:recipient_create": [
        page(lambda w: f"/disclosure/lists/{_list(w).pk}/recipients/new", MANAGE),
        form(lambda w: f"/disclosure/lists/{_list(w).pk}/recipients/new", MANAGE, _recipient_body),
    ],
    "distribution:recipient_delete": [
        page(lambda w: f"/disclosure/lists/recipients/{_recipient(w).pk}/delete", SIGNED_IN, ok=NOT_POST),
        form(lambda w: f"/disclosure/lists/recipients/{_recipient(w).pk}/delete", MANAGE),
    ],
    "distribution:send": [
        page(_send("advisory"), TEAM, hidden=OUTSIDE_TEAM),
        page(_send("secret_advisory"), TEAM, hidden=OUTSIDE_TEAM),
        page(_send("public_advisory"), VIEW),
        form(_send("advisory"), frozenset({LEAD}), hidden=OUTSIDE_TEAM),
        form(_send("secret_advisory"), frozenset({LEAD}), hidden=OUTSIDE_TEAM),
        form(_send("public_advisory"), MANAGE),
    ],
    "GET /api/v1/distribution-lists": [api("GET", lambda w: (_recipient(w), "/api/v1/distribution-lists")[1], VIEW)],
    "POST /api/v1/distribution-lists": [api("POST", lambda w: "/api/v1/distribution-lists", MANAGE, _list_body)],
    "GET /api/v1/distribution-lists/{list_id}": [
        api("GET", lambda w: f"/api/v1/distribution-lists/{_list(w).pk}", VIEW)
    ],
    "POST /api/v1/distribution-lists/{list_id}/recipients": [
        api("GET", lambda w: (_list(w), "/api/v1/distribution-lists")[1], VIEW, note="sets the list up"),
        api("POST", lambda w: f"/api/v1/distribution-lists/{_list(w).pk}/recipients", MANAGE, _recipient_body),
    ],
}
