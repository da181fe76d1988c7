-- +goose Up
-- Every rule hit, active or shadow, with the feature values the rule saw: the evidence of
-- automated detection, and the ground for backtests and precision figures.
CREATE TABLE rule_hits (
    id           TEXT PRIMARY KEY,
    rule         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    rule_set     INTEGER NOT NULL,
    shadow       INTEGER NOT NULL,
    account_id   TEXT NOT NULL,
    event_source TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    at           INTEGER NOT NULL,
    outcome      TEXT NOT NULL,
    features     TEXT NOT NULL,
    case_id      TEXT NOT NULL DEFAULT '',
    measure_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX rule_hits_rule ON rule_hits(rule, at);
CREATE INDEX rule_hits_account ON rule_hits(account_id, at);
CREATE INDEX rule_hits_event ON rule_hits(event_source, event_id);

-- How far detection got: events committed after this have not been through the rules yet,
-- and are replayed through them at start.
CREATE TABLE detect_progress (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    received_at INTEGER NOT NULL
);

-- The detection rules, one row per saved version of the whole set.
CREATE TABLE rule_sets (
    version    INTEGER PRIMARY KEY,
    rules      TEXT NOT NULL,
    saved_by   TEXT NOT NULL,
    saved_at   INTEGER NOT NULL
);
