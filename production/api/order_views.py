"""Endpoints at orders' addresses that read or write production: conversion (one order or a bulk
job). orders/ cannot import production/, so production serves these doors on the same routes."""

from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from core.api.viewsets import TenantViewSet
from core.roles import PLANNING
from factories.models import Factory
from orders.models import Order
from production.api import serializers as s
from production.models import ConversionJob
from production.services.conversion_queue import conversion_job_create


class ConversionJobViewSet(TenantViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Bulk conversion of accepted orders by a Celery task; poll for its progress."""

    queryset = ConversionJob.objects.all()
    serializer_class = s.ConversionJobSerializer
    read_roles = PLANNING
    write_roles = PLANNING

    def create(self, request, *args, **kwargs):
        ids = request.data.get("order_ids") if hasattr(request.data, "get") else None
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise serializers.ValidationError({"order_ids": [_("A list of order ids.")]})
        orders = Order.objects.visible_to(request.organization).filter(pk__in=ids)
        job = conversion_job_create(
            factory=Factory.objects.get(pk=request.organization.pk), orders=orders, by=request.user
        )
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)
