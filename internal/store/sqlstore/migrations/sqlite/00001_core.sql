-- +goose Up
-- Times are Unix microseconds (the precision both engines keep); JSON is TEXT so that audited
-- bytes stay byte-for-byte.
CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    type          TEXT NOT NULL,
    country       TEXT NOT NULL,
    language      TEXT NOT NULL,
    display_name  TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    profile       TEXT NOT NULL DEFAULT '{}',
    identity      TEXT NOT NULL,
    terms_version TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    version       INTEGER NOT NULL
);

CREATE TABLE cases (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    violation   TEXT NOT NULL,
    source      TEXT NOT NULL,
    status      TEXT NOT NULL,
    resolution  TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL,
    notifier    TEXT NOT NULL DEFAULT '',
    automated   INTEGER NOT NULL,
    opened_by   TEXT NOT NULL,
    opened_at   INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX cases_account ON cases(account_id, opened_at);

CREATE TABLE evidence (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,
    description TEXT NOT NULL,
    data        TEXT NOT NULL DEFAULT '',
    added_by    TEXT NOT NULL,
    added_at    INTEGER NOT NULL
);
CREATE INDEX evidence_case ON evidence(case_id, added_at);

CREATE TABLE measures (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    case_id     TEXT NOT NULL REFERENCES cases(id),
    type        TEXT NOT NULL,
    violation   TEXT NOT NULL,
    off         INTEGER NOT NULL,
    weight      INTEGER NOT NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER,
    due_at      INTEGER,
    reason      TEXT NOT NULL,
    automated   INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    lifted_at   INTEGER,
    lifted_by   TEXT NOT NULL DEFAULT '',
    lift_reason TEXT NOT NULL DEFAULT '',
    emergency   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX measures_account_live ON measures(account_id, starts_at) WHERE lifted_at IS NULL;
CREATE INDEX measures_account ON measures(account_id, starts_at);

CREATE TABLE deadlines (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    case_id    TEXT NOT NULL,
    measure_id TEXT NOT NULL REFERENCES measures(id),
    due_at     INTEGER NOT NULL,
    status     TEXT NOT NULL
);
CREATE INDEX deadlines_due ON deadlines(due_at) WHERE status = 'pending';
CREATE INDEX deadlines_measure ON deadlines(measure_id);

CREATE TABLE notices (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    case_id    TEXT NOT NULL,
    measure_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    language   TEXT NOT NULL,
    statement  TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX notices_account ON notices(account_id, created_at);

CREATE TABLE emergency_requests (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    case_id      TEXT NOT NULL,
    violation    TEXT NOT NULL,
    ground       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    status       TEXT NOT NULL,
    approved_by  TEXT NOT NULL DEFAULT '',
    approved_at  INTEGER
);

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    hash       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    account_id TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    before     TEXT NOT NULL,
    after      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_account ON audit(account_id, seq) WHERE account_id <> '';
CREATE INDEX audit_case ON audit(case_id, seq) WHERE case_id <> '';

-- The chain head: one row, locked by every append so that records are numbered in commit order.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
