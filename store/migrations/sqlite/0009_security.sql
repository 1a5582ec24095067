-- Security review (docs/design.md "Users"): an administrator manages its own agency unless it is
-- the deployment's (all_agencies); an account an administrator created or whose password it reset
-- changes its password at the next login; every staff view of personal data is logged
-- (access_log, append-only).
ALTER TABLE users ADD COLUMN all_agencies BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT 0;
-- Administrators that existed before this migration administered the whole deployment: they keep it.
UPDATE users SET all_agencies = 1 WHERE ',' || roles || ',' LIKE '%,admin,%';

CREATE TABLE access_log (
    id        INTEGER PRIMARY KEY,
    at        TIMESTAMP NOT NULL,
    user_id   INTEGER NOT NULL,
    username  TEXT NOT NULL,
    case_id   INTEGER NOT NULL,
    agency_id INTEGER NOT NULL,
    what      TEXT NOT NULL,
    address   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX access_log_case ON access_log (case_id, at);
CREATE INDEX access_log_at ON access_log (agency_id, at);
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
