from __future__ import annotations

from datetime import timedelta

from garrison.access.permissions import Permission
from garrison.accounts.models import ApiToken, User
from garrison.audit.actions import AuditAction
from garrison.audit.models import AuditEvent
from garrison.core import clock
from garrison.core.tests.api_client import ApiClient, api_client, make_token


def test_me_lists_the_token_narrowed_permissions(personas):
    response = api_client(personas.security_lead, [Permission.TEAM_VIEW, Permission.USER_VIEW]).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["permissions"] == ["accounts:user:view", "org:team:view"]


def test_scope_outside_the_token_is_refused_even_if_the_role_has_it(personas):
    api = api_client(personas.admin, [Permission.USER_VIEW])
    assert api.get("/api/v1/users").status_code == 200
    response = api.post("/api/v1/users", {"email": "x@example.org", "role": "developer"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Not allowed: needs accounts:user:manage.", "errors": []}
    assert not User.objects.filter(email="x@example.org").exists()


def test_expired_and_revoked_tokens_are_refused_and_audited(personas):
    raw = make_token(personas.auditor)
    token = ApiToken.objects.get(user=personas.auditor)
    token.expires_at = clock.now() - timedelta(seconds=1)
    token.save()
    response = ApiClient(raw).get("/api/v1/me")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    token.expires_at, token.revoked_at = clock.now() + timedelta(days=1), clock.now()
    token.save()
    assert ApiClient(raw).get("/api/v1/me").status_code == 401
    reasons = list(
        AuditEvent.objects.filter(action=AuditAction.TOKEN_REJECTED).order_by("seq").values_list("data", flat=True)
    )
    assert [r["reason"] for r in reasons] == ["expired", "revoked"]


def test_missing_or_garbage_token_is_401(db):
    assert ApiClient(None).get("/api/v1/me").status_code == 401
    assert ApiClient("gar_nothing_here").get("/api/v1/me").status_code == 401
    assert ApiClient("not-a-token").get("/api/v1/me").status_code == 401


def test_token_use_records_last_used_and_one_audit_event_per_hour(personas):
    api = api_client(personas.triager)
    api.get("/api/v1/me")
    api.get("/api/v1/me")
    token = ApiToken.objects.get(user=personas.triager)
    assert token.last_used_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_USED).count() == 1


def test_create_token_within_role_only(personas):
    api = api_client(personas.developer)
    response = api.post("/api/v1/tokens", {"name": "ci", "scopes": ["org:component:view", "audit:event:view"]})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "scopes", "message": "your role does not grant: audit:event:view"}]
    response = api.post("/api/v1/tokens", {"name": "ci", "scopes": ["org:component:view"]})
    assert response.status_code == 201
    secret = response.json()["secret"]
    assert ApiClient(secret).get("/api/v1/me").json()["permissions"] == ["org:component:view"]


def test_a_narrow_token_cannot_mint_a_wider_one(personas):
    api = api_client(personas.security_lead, [Permission.TOKEN_MANAGE_OWN])
    response = api.post("/api/v1/tokens", {"name": "wider", "scopes": ["org:team:edit"]})
    assert response.status_code == 422
    assert ApiToken.objects.filter(user=personas.security_lead).count() == 1


def test_revoke_own_token_and_not_someone_elses(personas):
    api = api_client(personas.triager)
    other = make_token(personas.auditor)
    other_id = ApiToken.objects.get(user=personas.auditor).pk
    assert api.delete(f"/api/v1/tokens/{other_id}").status_code == 404
    assert ApiClient(other).get("/api/v1/me").status_code == 200
    mine = ApiToken.objects.get(user=personas.triager)
    assert api.delete(f"/api/v1/tokens/{mine.pk}").status_code == 204
    assert api.get("/api/v1/me").status_code == 401


def test_bad_input_is_422_with_the_field_named(personas):
    api = api_client(personas.admin)
    response = api.post("/api/v1/users", {"email": "a@example.org", "role": "emperor"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["role"]
    response = api.post("/api/v1/users", {"email": "a@example.org", "role": "developer", "is_superuser": True})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["is_superuser"]
    response = api.post("/api/v1/users", raw='{"email": "a@example.org", ')
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body", "errors": []}
    response = api.post("/api/v1/users", raw="[1, 2]")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body"]
    assert not User.objects.filter(email="a@example.org").exists()


def test_bad_cursor_and_limit_are_400(personas):
    api = api_client(personas.admin)
    assert api.get("/api/v1/users", cursor="!!!").status_code == 400
    assert api.get("/api/v1/users", limit=0).json()["detail"].startswith("limit:")


def test_user_pagination_walks_every_user_once(personas):
    api = api_client(personas.admin)
    seen, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = api.get("/api/v1/users", **params).json()
        seen += [u["email"] for u in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(User.objects.values_list("email", flat=True))


def test_patch_user_deactivates_through_the_service(personas):
    api = api_client(personas.admin)
    response = api.patch(f"/api/v1/users/{personas.developer.pk}", {"is_active": False})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert AuditEvent.objects.filter(action=AuditAction.USER_DEACTIVATED).count() == 1
