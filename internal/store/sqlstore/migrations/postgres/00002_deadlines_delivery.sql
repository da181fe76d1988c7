-- +goose Up
ALTER TABLE measures ADD COLUMN paused_at BIGINT;
ALTER TABLE deadlines ADD COLUMN fired_at BIGINT;
ALTER TABLE notices ADD COLUMN read_at BIGINT;

-- A holder's answer to a measure; while one is under review the measure's clock is stopped.
CREATE TABLE responses (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    measure_id   TEXT NOT NULL REFERENCES measures(id),
    case_id      TEXT NOT NULL,
    text         TEXT NOT NULL,
    fixed        TEXT NOT NULL DEFAULT '[]',
    status       TEXT NOT NULL,
    received_at  BIGINT NOT NULL,
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   BIGINT,
    decision     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX responses_account ON responses(account_id, received_at);

-- Events the marketplace hears about through webhooks.
CREATE TABLE events (
    id         TEXT PRIMARY KEY,
    type       TEXT NOT NULL,
    account_id TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX events_account ON events(account_id, created_at);

CREATE TABLE webhook_endpoints (
    id          TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    events      TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    disabled_at BIGINT
);

-- One row per message to send: a notice by e-mail, an event to a webhook endpoint.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    channel         TEXT NOT NULL,
    notice_id       TEXT NOT NULL DEFAULT '',
    event_id        TEXT NOT NULL DEFAULT '',
    endpoint_id     TEXT NOT NULL DEFAULT '',
    account_id      TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    last_status     INTEGER NOT NULL DEFAULT 0,
    sent_at         BIGINT,
    message_id      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_notice ON deliveries(notice_id) WHERE notice_id <> '';
CREATE INDEX deliveries_event ON deliveries(event_id) WHERE event_id <> '';

-- Operators' edits of the notice templates, per language, kind and part.
CREATE TABLE templates (
    language   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    part       TEXT NOT NULL,
    source     TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (language, kind, part)
);
