-- notify: alert keys (each alert of the deadline sweep is sent at most once), runs of periodic
-- jobs (the monthly statistics go out once a month), and indexes of the sweep's queries.
CREATE TABLE alert_keys (
    case_id    BIGINT NOT NULL REFERENCES cases(id),
    kind       TEXT NOT NULL,
    threshold  INTEGER NOT NULL,
    day        TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, kind, threshold, day)
);

CREATE TABLE job_runs (
    job        TEXT NOT NULL,
    period     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job, period)
);

CREATE INDEX cases_notice_by ON cases (agency_id, correction_notice_by);
CREATE INDEX outbox_failed ON outbox (sent_at, attempts);
CREATE INDEX outbox_case ON outbox (case_id);
