-- newsbot schema, version 1. Each migration file runs in one transaction.

CREATE TABLE files (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,              -- file name as it arrived in the inbox
    sha256        TEXT NOT NULL UNIQUE,       -- hash of the bytes: the same file twice is one row
    size          INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('ingested', 'quarantined')),
    reason        TEXT,                       -- why it was quarantined (or partly rejected)
    encoding      TEXT,
    article_count INTEGER NOT NULL DEFAULT 0,
    received_at   TEXT NOT NULL               -- ISO 8601 UTC
);

CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    subtitle      TEXT,
    published     TEXT,                       -- ISO 8601 with offset, as in the file
    published_utc TEXT,                       -- ISO 8601 UTC, for ordering and ranges
    dateline      TEXT,
    byline        TEXT,
    caption       TEXT,
    url           TEXT,
    external_id   TEXT,
    body          TEXT NOT NULL,              -- paragraphs separated by blank lines
    paragraphs    TEXT NOT NULL,              -- JSON [[kind, text], ...]
    content_hash  TEXT NOT NULL,
    file_id       INTEGER REFERENCES files(id) ON DELETE SET NULL,
    revision      INTEGER NOT NULL DEFAULT 1, -- bumped when a later 更新 replaces the text
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (source, title)                    -- same outlet + headline = same article
);
CREATE INDEX articles_published ON articles (published_utc);
CREATE INDEX articles_hash ON articles (content_hash);

-- Full-text search over fugashi tokens (space-separated), see bot/storage/search.py.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, body, tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE article_topics (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    topic_id   TEXT NOT NULL,
    score      REAL NOT NULL,
    evidence   TEXT NOT NULL,                 -- JSON {"sentences": [...], "terms": [...]}
    PRIMARY KEY (article_id, topic_id)
);
CREATE INDEX article_topics_topic ON article_topics (topic_id, article_id);

CREATE TABLE actors (
    id            TEXT PRIMARY KEY,           -- gazetteer id, or derived from the name
    name_ja       TEXT NOT NULL,
    name_en       TEXT,
    in_gazetteer  INTEGER NOT NULL DEFAULT 0,
    article_count INTEGER NOT NULL DEFAULT 0,
    last_seen     TEXT                        -- ISO 8601 UTC of the latest article
);

CREATE TABLE actor_names (                   -- every spelling seen or curated, for lookup
    actor_id TEXT NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    key      TEXT NOT NULL,                   -- phonetic key (bot/nlp/names.py)
    PRIMARY KEY (actor_id, name)
);
CREATE INDEX actor_names_key ON actor_names (key);
CREATE INDEX actor_names_name ON actor_names (name);

CREATE TABLE article_actors (
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    actor_id    TEXT NOT NULL REFERENCES actors(id),
    name_ja     TEXT NOT NULL,
    role        TEXT,
    affiliation TEXT,
    mentions    INTEGER NOT NULL DEFAULT 1,
    seen_at     TEXT,                         -- article date (UTC), for "latest role first"
    PRIMARY KEY (article_id, actor_id)
);
CREATE INDEX article_actors_actor ON article_actors (actor_id, seen_at);

CREATE TABLE quotes (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    actor_id   TEXT REFERENCES actors(id),    -- NULL when the speaker is not clear
    text       TEXT NOT NULL,
    sentence   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX quotes_actor ON quotes (actor_id, article_id);
CREATE INDEX quotes_article ON quotes (article_id);

CREATE TABLE subscriptions (
    platform     TEXT NOT NULL,               -- 'discord' | 'slack' | 'console'
    channel_id   TEXT NOT NULL,
    guild_id     TEXT,
    topics       TEXT NOT NULL,               -- JSON list of topic ids; ["*"] = all
    alerts       INTEGER NOT NULL DEFAULT 1,
    digest       INTEGER NOT NULL DEFAULT 1,
    digest_time  TEXT NOT NULL DEFAULT '08:00',
    timezone     TEXT NOT NULL DEFAULT 'Asia/Tokyo',
    paused       INTEGER NOT NULL DEFAULT 0,
    paused_reason TEXT,
    created_by   TEXT,
    created_at   TEXT NOT NULL,
    last_digest_at TEXT,                      -- UTC instant the last digest covered up to
    last_digest_date TEXT,                    -- local date of the last digest sent
    PRIMARY KEY (platform, channel_id)
);

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('alert', 'digest')),
    article_id  INTEGER REFERENCES articles(id) ON DELETE CASCADE,
    digest_date TEXT,                         -- local date, for kind = 'digest'
    payload     TEXT,                         -- JSON for digests (composed when due)
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try_at TEXT,
    last_error  TEXT,
    message_id  TEXT,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE UNIQUE INDEX outbox_alert_once ON outbox (platform, channel_id, article_id)
    WHERE kind = 'alert';
CREATE UNIQUE INDEX outbox_digest_once ON outbox (platform, channel_id, digest_date)
    WHERE kind = 'digest';
CREATE INDEX outbox_pending ON outbox (status, next_try_at);
