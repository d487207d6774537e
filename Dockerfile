# Scoreboard in a container: the database lives on the /data volume.
# Phones must reach the QR code's URL: run with --network host, or set SCOREBOARD_PUBLIC_URL.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SCOREBOARD_DATABASE_URL=sqlite:////data/scoreboard.db \
    SCOREBOARD_HOST=0.0.0.0 \
    SCOREBOARD_PORT=8000

RUN useradd --create-home --uid 10001 scoreboard \
    && mkdir /data && chown scoreboard:scoreboard /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY scoreboard ./scoreboard
COPY web ./web
RUN pip install --no-cache-dir .

USER scoreboard
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"SCOREBOARD_PORT\", \"8000\")}/healthz', timeout=4)"
ENTRYPOINT ["scoreboard", "serve"]
