FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends gdal-bin libgeos-c1v5 libproj25 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml .
RUN pip install --no-cache-dir $(python -c 'import tomllib; print(" ".join(tomllib.load(open("pyproject.toml","rb"))["project"]["dependencies"]))')
COPY . .
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
