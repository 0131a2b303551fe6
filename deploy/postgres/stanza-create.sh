#!/bin/sh
# Runs once, when the postgres container initialises an empty data volume
# (/docker-entrypoint-initdb.d): pgBackRest's stanza must exist before the first WAL segment can
# be archived. On a volume initialised before backups were set up, run once by hand:
#   docker compose exec -u postgres postgres pgbackrest --stanza=seamline stanza-create
set -e
pgbackrest --stanza=seamline stanza-create
