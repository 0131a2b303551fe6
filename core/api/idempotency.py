"""Idempotency-Key for POSTs: a retry with the same key replays the first response.

The record is written in the same transaction as the work it guards, so a request that failed
leaves no record and can be retried; the same key with a different body is refused with 422.
"""

import hashlib
import json

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from core.api.errors import IdempotencyKeyReused
from core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(request.path.encode())
    digest.update(request._request.body)
    return digest.hexdigest()


def run_idempotently(request, organization, key: str, handler, *args, **kwargs):
    if len(key) > MAX_KEY_LENGTH:
        raise IdempotencyKeyReused(_("The Idempotency-Key is longer than 200 characters."))
    request_fingerprint = fingerprint(request)
    with transaction.atomic():
        record, created = IdempotencyRecord.objects.select_for_update(no_key=True).get_or_create(
            organization=organization,
            key=key,
            defaults={
                "method": request.method,
                "path": request.path,
                "request_fingerprint": request_fingerprint,
            },
        )
        if not created:
            if record.request_fingerprint != request_fingerprint:
                raise IdempotencyKeyReused(
                    _("This Idempotency-Key was already used with a different request.")
                )
            if record.status_code is not None:
                response = Response(record.response_body, status=record.status_code)
                response["Idempotent-Replayed"] = "true"
                return response
        response = handler(request, *args, **kwargs)
        if 200 <= response.status_code < 300:
            record.status_code = response.status_code
            record.response_body = json.loads(json.dumps(response.data, cls=JSONEncoder))
            record.save(update_fields=["status_code", "response_body"])
        else:
            transaction.set_rollback(True)
        return response
