"""Background jobs of the translation app: thin, they take ids and call the service."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def machine_translate_record(record_id: int, language: str, user_id: int) -> str:
    """Machine-translate one record for the staff member who asked (re-checked here)."""
    from django.contrib.auth import get_user_model

    from clearinghouse.catalog.models import Record
    from clearinghouse.core.policy import actor_for

    from .services import record_machine_translate

    user = get_user_model().objects.filter(pk=user_id).first()
    # The request that queued this passed two-factor verification; the role is read afresh.
    actor = actor_for(user, verified=True)
    record = Record.objects.get(pk=record_id)
    text = record_machine_translate(actor=actor, record=record, language=language)
    return text.translator
