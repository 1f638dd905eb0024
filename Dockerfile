FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=boveileder.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core fonts-liberation \
      postgresql-client poppler-utils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py compile_translations \
 && SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --system --home /app boveileder && mkdir -p /app/media && chown boveileder /app/media
USER boveileder
EXPOSE 8000
CMD ["gunicorn", "boveileder.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
