# contribbudget — one image for web (gunicorn), worker and beat.
FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango (and its fonts); gettext compiles the translations.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext curl \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=0
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir -e . && pip install --no-cache-dir polib
COPY . .
RUN python manage.py compilemessages --ignore=.venv -v0 \
    && SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput -v0

RUN useradd --create-home app && mkdir -p /app/media && chown -R app /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "contribbudget.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
