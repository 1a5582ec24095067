-- Monthly sign-offs of the filing ledger (docs/rules.md §8) and the indexes the reports use.
CREATE TABLE signoffs (
    id            INTEGER PRIMARY KEY,
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    year          INTEGER NOT NULL,
    month         INTEGER NOT NULL,
    month_start   TEXT NOT NULL,
    month_end     TEXT NOT NULL,
    signed_by     TEXT NOT NULL,
    signed_at     TIMESTAMP NOT NULL,
    ledger_sha256 TEXT NOT NULL,
    ledger_digest TEXT NOT NULL DEFAULT '',
    document_id   INTEGER REFERENCES documents(id),
    findings      TEXT NOT NULL DEFAULT '[]',
    note          TEXT NOT NULL DEFAULT '',
    UNIQUE (agency_id, year, month)
);
CREATE TRIGGER signoffs_no_update BEFORE UPDATE ON signoffs
BEGIN SELECT RAISE(ABORT, 'a sign-off never changes'); END;
CREATE TRIGGER signoffs_no_delete BEFORE DELETE ON signoffs
BEGIN SELECT RAISE(ABORT, 'a sign-off never changes'); END;

CREATE INDEX case_events_event ON case_events (event, case_id);
-- The annual report scans handlings by receipt and conclusion: a covering index.
CREATE INDEX cases_report ON cases (handling, received_on, concluded_on, state, applicant_kind, org_category, outcome);
