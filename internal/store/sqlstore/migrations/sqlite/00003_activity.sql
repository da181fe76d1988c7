-- +goose Up
-- The marketplace's activity events, kept for features, backtests and evidence. (source, id)
-- is the CloudEvents identity: a retried event is a duplicate, not a second event. No index
-- on time: each index costs every insert, and only offline backtests scan by time. WITHOUT
-- ROWID keeps the rows in the key's own b-tree: one b-tree fewer to write per event.
CREATE TABLE activity (
    source      TEXT NOT NULL,
    id          TEXT NOT NULL,
    type        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    time        INTEGER NOT NULL,
    data        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (source, id)
) WITHOUT ROWID;
CREATE INDEX activity_subject ON activity(subject, time);
