-- +goose Up
-- The marketplace's activity events, kept for features, backtests and evidence. (source, id)
-- is the CloudEvents identity: a retried event is a duplicate, not a second event. Every index
-- costs every insert, so there is one more: by time, for warming features after a restart and
-- for backtests.
CREATE TABLE activity (
    source      TEXT NOT NULL,
    id          TEXT NOT NULL,
    type        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    time        INTEGER NOT NULL,
    data        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE INDEX activity_time ON activity(time);
