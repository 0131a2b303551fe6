# Seamline application image: web (gunicorn for HTTP, daphne for WebSockets), worker, beat and
# ingest all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings_production

RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext nodejs npm mosquitto-clients curl \
    fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir -e .
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
# Production settings refuse a weak key even at build time: a throwaway random one, not kept.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    FIELD_HASH_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
    python manage.py collectstatic --noinput --verbosity 0

RUN useradd --system --home /app seamline && mkdir -p /app/var && chown -R seamline /app/var
USER seamline
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/web/gunicorn.conf.py", "config.wsgi:application"]
