"""The lists behind production's seed figures on the factory screen: conversion lead times and
days lost to material. Each calls the selector the screen calls, with the same window
(factories.clock.screen_window), so the list adds up to the screen's number at any hour."""

from django.shortcuts import render
from django.utils import timezone

from core.roles import FACTORY_STAFF
from core.views import role_required
from factories.clock import SCREEN_WINDOWS, screen_window
from production import selectors


def _window(request):
    name = request.GET.get("window", "12h")
    name = name if name in SCREEN_WINDOWS else "12h"
    now = timezone.now()
    return name, screen_window(request.organization.factory, name, now), now


@role_required(FACTORY_STAFF)
def conversion_lead_times(request):
    name, period, _now = _window(request)
    figures = selectors.conversion_lead_times(
        request.organization.factory, period.start, period.end
    )
    return render(
        request,
        "production/conversion_lead_times.html",
        {"window": name, "period": period, "figures": figures},
    )


@role_required(FACTORY_STAFF)
def material_delays(request):
    name, period, now = _window(request)
    figures = selectors.material_delays(
        request.organization.factory, period.start, period.end, now=now
    )
    return render(
        request,
        "production/material_delays.html",
        {"window": name, "period": period, "figures": figures},
    )
