-- The case list at a million cases (docs/performance.md): one index per sort key of GET /cases,
-- each led by the agency and the state so that a page is read from the index in order (the store
-- merges one ordered stream per agency and state); the assignee's queue; exact identifiers; and
-- the character-bigram index of names and descriptions (case_terms), kept in step by the
-- transaction that writes the case.
ALTER TABLE cases ADD COLUMN phone_digits TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_queue_received ON cases (agency_id, state, received_on, id);
CREATE INDEX cases_queue_tracking ON cases (agency_id, state, tracking_no, id);
CREATE INDEX cases_queue_state ON cases (agency_id, state, id);
CREATE INDEX cases_queue_assignee ON cases (agency_id, assignee, state, reply_due, id);
CREATE INDEX cases_id_number ON cases (id_number);
CREATE INDEX cases_phone_digits ON cases (phone_digits);
-- term: two characters packed as first<<21 | second (Unicode code points, store/search.go).
CREATE TABLE case_terms (
    term    BIGINT NOT NULL,
    case_id BIGINT NOT NULL,
    PRIMARY KEY (term, case_id)
);
