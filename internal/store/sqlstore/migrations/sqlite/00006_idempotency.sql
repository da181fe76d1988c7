-- +goose Up
-- Answers to requests sent with an Idempotency-Key, so that a retry gets the first answer
-- instead of a second change. status 0: the first request has not finished (or its outcome is
-- unknown).
CREATE TABLE idempotency (
    actor        TEXT NOT NULL,
    key          TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (actor, key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);

-- The moderators' queue lists cases by status.
CREATE INDEX cases_status ON cases(status, id);
