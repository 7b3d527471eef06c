# RadCollab's container image: one image for the web nodes (the default command, gunicorn)
# and the task workers (`python manage.py rqworker --job-class django_tasks_rq.Job default`).
#
#   docker build -t radcollab .
#   docker compose up        # the whole stack for a trial: compose.yaml, docs/deployment.md
#
# It installs exactly requirements.lock (the versions dev.py and CI test, every file's
# hash checked), collects the static files at build time and runs as an unprivileged
# user. Configuration comes only from the environment (README, "Configuration").
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# A fixed numeric id, so that orchestrators can check "runs as non-root" without a name.
RUN groupadd --system --gid 10001 radcollab \
    && useradd --system --uid 10001 --gid radcollab --no-create-home \
       --home-dir /app --shell /usr/sbin/nologin radcollab

# Dependencies first, in their own layer: it is rebuilt only when the lock changes.
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv /opt/venv \
    && pip install --require-hashes -r /tmp/requirements.lock \
    && rm /tmp/requirements.lock

WORKDIR /app
# The code belongs to root and cannot be changed by the process that serves it.
COPY . /app

# Hashed, compressed static files, served by whitenoise. A throwaway key: settings refuse
# to load without one when DEBUG is off, and collectstatic signs nothing.
RUN DEBUG=false SECRET_KEY=collectstatic-at-build-time-only STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --no-input --verbosity 0

# Local files only when RADCOLLAB_STORAGE=local (one machine); several nodes use S3.
RUN mkdir -p /data/media && chown radcollab:radcollab /data/media
ENV STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

USER 10001:10001
EXPOSE 8000

# /healthz: the database, Redis and the file store answer (core/health.py).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]

# WEB_CONCURRENCY sets gunicorn's worker processes (2 per vCPU is a fair start). No
# control socket: it would live under $HOME (/app), which the user cannot write.
CMD ["gunicorn", "radcollab.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--timeout", "60", "--graceful-timeout", "30", "--no-control-socket"]
