# LEVER UP Badges: the service image (used by docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LEVERUP_DATA_DIR=/var/lib/leverup

WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY app ./app
COPY common ./common
COPY keys ./keys
COPY badge_classes ./badge_classes
COPY issuer ./issuer
COPY sharing ./sharing
COPY registry ./registry
COPY moodle ./moodle
COPY verifier ./verifier
RUN python -m pip install --no-cache-dir -c requirements.lock . \
    && mkdir -p /var/lib/leverup

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status == 200 else 1)"
CMD ["leverup", "serve", "--host", "0.0.0.0", "--port", "8000"]
