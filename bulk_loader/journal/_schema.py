"""The journal's tables and view as SQL (described in journal/_journal.py's docstring).

The `records` view is apart: schema 3 recreates it on an older journal (journal/_journal.py)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    seq INTEGER PRIMARY KEY,
    run_id TEXT UNIQUE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    file_path TEXT,
    file_sha256 TEXT,
    campaign_id INTEGER,
    endpoint TEXT,
    source_run TEXT,
    created_at TEXT,
    updated_at TEXT,
    finished_at TEXT,
    exit_code INTEGER,
    pid INTEGER,
    host TEXT,
    settings TEXT,
    summary TEXT,
    total_rows INTEGER,
    api TEXT
);
CREATE INDEX IF NOT EXISTS runs_key ON runs(kind, file_sha256, campaign_id, endpoint);
CREATE TABLE IF NOT EXISTS chunks (
    run INTEGER NOT NULL,
    chunk INTEGER NOT NULL,
    state TEXT NOT NULL,
    first_row INTEGER NOT NULL,
    last_row INTEGER NOT NULL,
    size INTEGER NOT NULL,
    http_status INTEGER,
    attempts INTEGER,
    sent_at TEXT,
    done_at TEXT,
    PRIMARY KEY(run, chunk)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS chunk_records (
    run INTEGER NOT NULL,
    chunk INTEGER NOT NULL,
    records TEXT NOT NULL,
    PRIMARY KEY(run, chunk)
);
CREATE TABLE IF NOT EXISTS outcomes (
    run INTEGER NOT NULL,
    row INTEGER NOT NULL,
    chunk INTEGER,
    customer_id INTEGER,  -- affinity: a numeric cell reads back as a number
    schedule TEXT,
    state TEXT NOT NULL,
    http_status INTEGER,
    message TEXT,
    attempts INTEGER,
    crm_id TEXT,  -- a Campaigns API v1 run's id, exactly ("00123"); customer_id is then NULL
    PRIMARY KEY(run, row)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS outcomes_chunk ON outcomes(run, chunk);
"""

RECORDS_VIEW = """
CREATE VIEW IF NOT EXISTS records AS
    SELECT r.run_id, c.run, json_extract(e.value, '$[0]') AS row,
           json_extract(e.value, '$[1]') AS customer_id,
           json_extract(e.value, '$[2]') AS schedule,
           coalesce(o.state, c.state) AS state,
           CASE WHEN o.state IS NULL THEN c.http_status ELSE o.http_status END AS http_status,
           o.message, coalesce(o.attempts, c.attempts) AS attempts, c.chunk
    FROM chunks c JOIN runs r ON r.seq = c.run
    JOIN chunk_records cr ON cr.run = c.run AND cr.chunk = c.chunk, json_each(cr.records) e
    LEFT JOIN outcomes o ON o.run = c.run AND o.row = json_extract(e.value, '$[0]')
    UNION ALL
    SELECT r.run_id, o.run, o.row, coalesce(o.crm_id, o.customer_id), o.schedule, o.state,
           o.http_status, o.message, o.attempts, NULL
    FROM outcomes o JOIN runs r ON r.seq = o.run WHERE o.chunk IS NULL
"""
