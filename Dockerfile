# syntax=docker/dockerfile:1
# Stage 1: build wheels for newsbot and its dependencies (fugashi compiles; unidic-lite
# carries the dictionary, so nothing is downloaded at run time).
FROM python:3.11-slim-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# Stage 2: the runtime, as a non-root user, data in a volume.
FROM python:3.11-slim-bookworm
RUN useradd --create-home --uid 10001 newsbot
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels \
    && python -c "import fugashi; fugashi.Tagger()('辞書の確認')"
WORKDIR /app
COPY --chown=newsbot:newsbot config ./config
COPY --chown=newsbot:newsbot seeds ./seeds
RUN mkdir -p /app/data && chown newsbot:newsbot /app/data
USER newsbot
VOLUME ["/app/data"]
ENV NEWSBOT_CONFIG=/app/config
# Healthy while the scheduler keeps touching its heartbeat file.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os,sys,time; p='/app/data/heartbeat'; sys.exit(0 if os.path.exists(p) and time.time()-os.path.getmtime(p) < 120 else 1)"
CMD ["newsbot", "run"]
