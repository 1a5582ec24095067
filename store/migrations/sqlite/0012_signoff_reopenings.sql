-- A signed month may be reopened by a supervisor of its agency, with a reason, so that late post
-- received in it can be registered; the month is then signed off again (docs/rules.md §8). The
-- reopening is a record of its own, append-only like the sign-offs, and a month may now have
-- several sign-offs, one per round: sign-off 1, its reopening, sign-off 2, … A month's status is
-- its latest record. SQLite cannot drop a UNIQUE constraint: the table is rebuilt with the same
-- rows (round 1) and its triggers; DROP TABLE fires no trigger.
CREATE TABLE signoffs_rounds (
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
    round         INTEGER NOT NULL DEFAULT 1 CHECK (round >= 1),
    UNIQUE (agency_id, year, month, round)
);
INSERT INTO signoffs_rounds (id, agency_id, year, month, month_start, month_end, signed_by, signed_at, ledger_sha256, ledger_digest, document_id, findings, note, round)
SELECT id, agency_id, year, month, month_start, month_end, signed_by, signed_at, ledger_sha256, ledger_digest, document_id, findings, note, 1 FROM signoffs;
DROP TABLE signoffs;
ALTER TABLE signoffs_rounds RENAME TO signoffs;
CREATE TRIGGER signoffs_no_update BEFORE UPDATE ON signoffs
BEGIN SELECT RAISE(ABORT, 'a sign-off never changes'); END;
CREATE TRIGGER signoffs_no_delete BEFORE DELETE ON signoffs
BEGIN SELECT RAISE(ABORT, 'a sign-off never changes'); END;

-- One reopening per sign-off at most (UNIQUE signoff_id): the next one reopens the next round.
CREATE TABLE signoff_reopenings (
    id          INTEGER PRIMARY KEY,
    signoff_id  INTEGER NOT NULL UNIQUE REFERENCES signoffs(id),
    agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    year        INTEGER NOT NULL,
    month       INTEGER NOT NULL,
    round       INTEGER NOT NULL,
    reopened_by TEXT NOT NULL,
    reopened_at TIMESTAMP NOT NULL,
    reason      TEXT NOT NULL CHECK (reason <> ''),
    UNIQUE (agency_id, year, month, round)
);
CREATE TRIGGER signoff_reopenings_no_update BEFORE UPDATE ON signoff_reopenings
BEGIN SELECT RAISE(ABORT, 'a reopening never changes'); END;
CREATE TRIGGER signoff_reopenings_no_delete BEFORE DELETE ON signoff_reopenings
BEGIN SELECT RAISE(ABORT, 'a reopening never changes'); END;
