from django.contrib import admin

from factories.models import District, Factory, Partnership, SewingLine, Station, Worker

admin.site.register([District, Factory, Partnership, SewingLine, Station, Worker])
