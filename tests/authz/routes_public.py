"""Matrix entries: the public side of disclosure (see tests/authz/spec.py for the vocabulary).

Everyone, signed in or not, reads published advisories, their exports and feeds, security.txt and the CSAF
provider directory. An advisory that is not published (the private draft, the secret one) is a 404 for everyone,
whoever they are: the public side reads published advisories only.
"""

from __future__ import annotations

from garrison.disclosure.provider import csaf_filename, csaf_path
from tests.authz.spec import EVERYONE, NOBODY, Check, page


def _id(key: str):
    return lambda w: w[key].identifier


def _unpublished_path(w, key: str) -> str:
    return f"{w['public_advisory'].published_at.year}/{csaf_filename(w[key].identifier)}"


def _hidden(url) -> Check:
    return page(url, NOBODY, hidden=EVERYONE)


ROUTES: dict[str, list[Check]] = {
    "public:advisory_list": [page(lambda w: "/advisories/", EVERYONE)],
    "public:advisory_detail": [
        page(lambda w: f"/advisories/{w['public_advisory'].identifier}", EVERYONE),
        _hidden(lambda w: f"/advisories/{w['advisory'].identifier}"),
        _hidden(lambda w: f"/advisories/{w['secret_advisory'].identifier}"),
        _hidden(lambda w: "/advisories/GARRISON-1999-9999"),
    ],
    "public:advisory_export": [
        page(lambda w: f"/advisories/{w['public_advisory'].identifier}.csaf.json", EVERYONE),
        page(lambda w: f"/advisories/{w['public_advisory'].identifier}.openvex.json", EVERYONE),
        _hidden(lambda w: f"/advisories/{w['advisory'].identifier}.csaf.json"),
        _hidden(lambda w: f"/advisories/{w['secret_advisory'].identifier}.osv.json"),
        _hidden(lambda w: f"/advisories/{w['secret_advisory'].identifier}.vex.json"),
    ],
    "public:feed": [page(lambda w: "/advisories/feed.atom", EVERYONE)],
    "public:component_feed": [
        page(lambda w: f"/advisories/components/{w['core_api'].name}/feed.atom", EVERYONE),
        _hidden(lambda w: f"/advisories/components/{w['billing'].name}/feed.atom"),
        _hidden(lambda w: f"/advisories/components/{w['secret_component'].name}/feed.atom"),
        _hidden(lambda w: "/advisories/components/no-such-component/feed.atom"),
    ],
    "public:component_vex": [
        page(lambda w: f"/advisories/components/{w['core_api'].name}/vex.json", EVERYONE),
        _hidden(lambda w: f"/advisories/components/{w['billing'].name}/vex.json"),
        _hidden(lambda w: f"/advisories/components/{w['secret_component'].name}/vex.json"),
    ],
    "wellknown:security_txt": [page(lambda w: "/.well-known/security.txt", EVERYONE)],
    "wellknown:csaf_provider_metadata": [page(lambda w: "/.well-known/csaf/provider-metadata.json", EVERYONE)],
    "wellknown:csaf_index": [page(lambda w: "/.well-known/csaf/white/index.txt", EVERYONE)],
    "wellknown:csaf_changes": [page(lambda w: "/.well-known/csaf/white/changes.csv", EVERYONE)],
    "wellknown:csaf_document": [
        page(lambda w: f"/.well-known/csaf/white/{csaf_path(w['public_advisory'])}", EVERYONE),
        _hidden(lambda w: f"/.well-known/csaf/white/{_unpublished_path(w, 'advisory')}"),
        _hidden(lambda w: f"/.well-known/csaf/white/{_unpublished_path(w, 'secret_advisory')}"),
    ],
    "wellknown:csaf_hash": [
        page(lambda w: f"/.well-known/csaf/white/{csaf_path(w['public_advisory'])}.sha256", EVERYONE),
        page(lambda w: f"/.well-known/csaf/white/{csaf_path(w['public_advisory'])}.sha512", EVERYONE),
        _hidden(lambda w: f"/.well-known/csaf/white/{_unpublished_path(w, 'secret_advisory')}.sha256"),
    ],
}
