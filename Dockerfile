# Production-like image for compose.yaml's web and worker services.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update && apt-get install -y --no-install-recommends libjpeg62-turbo libwebp7 curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 kulturhub
WORKDIR /app

COPY pyproject.toml constraints.txt README.md ./
COPY cms cms
COPY plugins plugins
COPY search search
COPY frontend_api frontend_api
COPY manage.py ./
RUN pip install --no-cache-dir -c constraints.txt .

# collectstatic needs settings, not secrets: a throwaway key for this build step only.
RUN SECRET_KEY=build-only-$(date +%s)-not-used-at-run-time-xxxxxxxxxxxxxxxxxxxxxxxx \
    STATIC_ROOT=/app/static python manage.py collectstatic --noinput --verbosity 0

ENV STATIC_ROOT=/app/static MEDIA_ROOT=/app/media
RUN mkdir -p /app/media && chown kulturhub /app/media
USER kulturhub
EXPOSE 8000
CMD ["gunicorn", "cms.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
