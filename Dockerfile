# The BIN GIS image: web (gunicorn), Celery workers and beat all run it; docker-compose.yml says how.
#   docker build -t bin-gis .          docker compose up -d (README "Production with Docker")
#
# One stage: every dependency installs from a wheel (psycopg[binary], shapely, brotli…), so no compiler is
# needed and a build stage would save nothing. GDAL, GEOS and PROJ come from Debian bookworm (GDAL 3.6, GEOS
# 3.11, PROJ 9.1), as on the development machines (scripts/dev.sh installs the same packages).
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=project.settings.production \
    GUNICORN_BIND=0.0.0.0:8000 \
    STATIC_ROOT=/app/staticfiles

RUN apt-get update \
    && apt-get install -y --no-install-recommends gdal-bin libgdal32 libgeos-c1v5 libproj25 \
    && rm -rf /var/lib/apt/lists/*

# Debian already has a system account named "bin" (uid 2), so the service's user is "bingis", uid and gid
# 10001, and USER names it by number: Kubernetes' runAsNonRoot can only verify a numeric user.
RUN groupadd --system --gid 10001 bingis \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin bingis

WORKDIR /app
# The pinned dependencies first, in a layer of their own: a change to the code does not reinstall them.
COPY pyproject.toml .
RUN pip install $(python -c 'import tomllib; print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))')

# The code belongs to root and is read-only for the service; it writes only to var/ (SMS files, the tile
# cache, beat's schedule: a volume in docker-compose.yml) and staticfiles/ (below).
COPY . .
RUN mkdir -p /app/var /app/staticfiles && chown 10001:10001 /app/var /app/staticfiles

USER 10001:10001
# The static files are collected here, once per image, and WhiteNoise serves them from the image: the
# compressed copies (gzip, brotli) take about a minute of CPU (57 s on a 2-core machine for 202 files), and
# an image's static files then always match its code. collectstatic needs neither a database nor secrets;
# the production settings insist on SECRET_KEY and ALLOWED_HOSTS, so this one step gets dummies that exist
# only in this RUN (they are not in the image's environment; the real ones come from .env at run time).
RUN SECRET_KEY=build-time-dummy-for-collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

EXPOSE 8000
# /healthz answers while the process lives, without the database (docker-compose.yml asks /readyz instead).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py", "http", "/healthz"]
CMD ["gunicorn", "-c", "project/gunicorn.conf.py", "project.wsgi"]
