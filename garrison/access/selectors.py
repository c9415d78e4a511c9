"""Reads of the classification labels themselves (who a label admits), for the label pages and API."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from garrison.access.classification import label_ids_visible_to, visible_q
from garrison.access.models import ClassificationLabel
from garrison.access.permissions import Permission
from garrison.access.policy import can
from garrison.accounts.models import User
from garrison.org.models import Team


def labels_visible_to(*, actor: Any) -> QuerySet[ClassificationLabel]:
    """Every label, with the teams and users it names, for holders of LABEL_VIEW.

    Who a label admits is not itself classified: the people who manage labels must see all of them, including
    a "Secret" label that names nobody yet (otherwise nobody could ever name anyone on it). Teams hidden from
    the actor by their own label are left out of the team lists.
    """
    if not can(actor, Permission.LABEL_VIEW):
        return ClassificationLabel.objects.none()
    return ClassificationLabel.objects.prefetch_related(
        Prefetch("teams", queryset=Team.objects.filter(visible_q(actor)).order_by("name")),
        Prefetch("users", queryset=User.objects.order_by("email")),
    ).order_by("rank", "name")


def get_label_for(*, actor: Any, pk: Any) -> ClassificationLabel:
    label = labels_visible_to(actor=actor).filter(pk=pk).first()
    if label is None:
        raise Http404("not found")
    return label


def labels_assignable_by(*, actor: Any) -> QuerySet[ClassificationLabel]:
    """Labels the actor may put on a record: needs LABEL_MANAGE, and only labels whose records they may see."""
    if not can(actor, Permission.LABEL_MANAGE):
        return ClassificationLabel.objects.none()
    return ClassificationLabel.objects.filter(pk__in=label_ids_visible_to(actor)).order_by("rank", "name")


def label_team_choices(*, actor: Any) -> QuerySet[Team]:
    """Teams a label manager may name on a label (those they may see)."""
    if not can(actor, Permission.LABEL_MANAGE):
        return Team.objects.none()
    return Team.objects.filter(visible_q(actor)).order_by("name")


def label_user_choices(*, actor: Any) -> QuerySet[User]:
    """Active users a label manager may name on a label."""
    if not can(actor, Permission.LABEL_MANAGE):
        return User.objects.none()
    return User.objects.filter(is_active=True).order_by("email")
