-- foidesk schema, SQLite dialect. Dates are TEXT 'YYYY-MM-DD'; instants are TIMESTAMP (UTC).
CREATE TABLE agencies (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    settings   TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    roles         TEXT NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE user_agencies (
    user_id   INTEGER NOT NULL REFERENCES users(id),
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (user_id, agency_id)
);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE TABLE sequences (
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    class     TEXT NOT NULL,
    year      INTEGER NOT NULL,
    last      INTEGER NOT NULL,
    PRIMARY KEY (agency_id, class, year)
);

CREATE TABLE cases (
    id                   INTEGER PRIMARY KEY,
    agency_id            INTEGER NOT NULL REFERENCES agencies(id),
    tracking_no          TEXT NOT NULL UNIQUE,
    access_code_hash     TEXT NOT NULL DEFAULT '',
    state                TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 0,
    applicant_kind       TEXT NOT NULL,
    applicant_name       TEXT NOT NULL,
    id_type              TEXT NOT NULL,
    id_number            TEXT NOT NULL,
    org_category         TEXT NOT NULL DEFAULT '',
    legal_rep            TEXT NOT NULL DEFAULT '',
    contact_name         TEXT NOT NULL DEFAULT '',
    phone                TEXT NOT NULL DEFAULT '',
    email                TEXT NOT NULL DEFAULT '',
    address              TEXT NOT NULL DEFAULT '',
    postcode             TEXT NOT NULL DEFAULT '',
    fax                  TEXT NOT NULL DEFAULT '',
    description          TEXT NOT NULL,
    purpose              TEXT NOT NULL DEFAULT '',
    channel              TEXT NOT NULL,
    delivery             TEXT NOT NULL DEFAULT '',
    carrier              TEXT NOT NULL DEFAULT '',
    received_on          TEXT,
    received_by          TEXT NOT NULL DEFAULT '',
    clock_start          TEXT,
    reply_due            TEXT,
    provisional          BOOLEAN NOT NULL DEFAULT 0,
    correction_notice_by TEXT,
    correction_due       TEXT,
    consultation_due     TEXT,
    fee_due              TEXT,
    extended_days        INTEGER NOT NULL DEFAULT 0,
    paused_days          INTEGER NOT NULL DEFAULT 0,
    clock                TEXT NOT NULL DEFAULT '{}',
    details              TEXT NOT NULL DEFAULT '{}',
    assignee             TEXT NOT NULL DEFAULT '',
    outcome              TEXT NOT NULL DEFAULT '',
    concluded_on         TEXT,
    letter_no            TEXT NOT NULL DEFAULT '',
    delivered_on         TEXT,
    delivery_way         TEXT NOT NULL DEFAULT '',
    archived_on          TEXT,
    handling             INTEGER NOT NULL DEFAULT 1,
    reopened_on          TEXT,
    imported             BOOLEAN NOT NULL DEFAULT 0,
    event_count          INTEGER NOT NULL DEFAULT 0,
    head_hash            TEXT NOT NULL DEFAULT '',
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);
CREATE INDEX cases_queue ON cases (agency_id, state, reply_due, id);
CREATE INDEX cases_due ON cases (reply_due, id);
CREATE INDEX cases_assignee ON cases (assignee, state);
CREATE INDEX cases_applicant ON cases (id_type, id_number, received_on);
CREATE INDEX cases_received ON cases (received_on);
CREATE INDEX cases_concluded ON cases (concluded_on);

CREATE TABLE case_events (
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    seq              INTEGER NOT NULL,
    event            TEXT NOT NULL,
    actor            TEXT NOT NULL,
    at               TIMESTAMP NOT NULL,
    from_state       TEXT NOT NULL DEFAULT '',
    to_state         TEXT NOT NULL DEFAULT '',
    payload          TEXT NOT NULL DEFAULT '{}',
    reply_due_before TEXT,
    reply_due_after  TEXT,
    prev_hash        TEXT NOT NULL DEFAULT '',
    hash             TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
CREATE INDEX case_events_at ON case_events (at);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER REFERENCES cases(id),
    event_seq    INTEGER NOT NULL DEFAULT 0,
    kind         TEXT NOT NULL,
    number       TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    filename     TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    to_applicant BOOLEAN NOT NULL DEFAULT 0,
    warnings     TEXT NOT NULL DEFAULT '',
    body         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX documents_case ON documents (case_id, id);
CREATE INDEX documents_number ON documents (number);
CREATE TRIGGER documents_immutable BEFORE UPDATE OF body, sha256, number, kind, case_id ON documents
BEGIN SELECT RAISE(ABORT, 'issued documents never change'); END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN SELECT RAISE(ABORT, 'issued documents never change'); END;

CREATE TABLE remedies (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    kind       TEXT NOT NULL,
    filed_on   TEXT NOT NULL,
    result     TEXT NOT NULL,
    decided_on TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX remedies_case ON remedies (case_id);
CREATE INDEX remedies_filed ON remedies (filed_on);

CREATE TABLE calendar_overrides (
    day        TEXT PRIMARY KEY,
    work       BOOLEAN NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    dedup_key   TEXT UNIQUE,
    kind        TEXT NOT NULL,
    channel     TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    case_id     INTEGER REFERENCES cases(id),
    document_id INTEGER REFERENCES documents(id),
    subject     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try_at TIMESTAMP,
    sent_at     TIMESTAMP,
    read_at     TIMESTAMP,
    last_error  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (channel, sent_at, next_try_at);
CREATE INDEX outbox_recipient ON outbox (channel, recipient, read_at);

CREATE TABLE auth_log (
    id       INTEGER PRIMARY KEY,
    at       TIMESTAMP NOT NULL,
    username TEXT NOT NULL DEFAULT '',
    address  TEXT NOT NULL DEFAULT '',
    event    TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry REAL NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);
