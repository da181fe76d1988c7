-- +goose Up
-- Third-party notices (DSA Art. 16): from users, trusted flaggers and rights holders.
CREATE TABLE reports (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    case_id        TEXT NOT NULL,
    source         TEXT NOT NULL,
    violation      TEXT NOT NULL,
    notifier_name  TEXT NOT NULL,
    notifier_email TEXT NOT NULL,
    notifier_org   TEXT NOT NULL,
    description    TEXT NOT NULL,
    work           TEXT NOT NULL,
    item           TEXT NOT NULL,
    received_at    BIGINT NOT NULL
);
CREATE INDEX reports_account ON reports(account_id, violation, received_at);
