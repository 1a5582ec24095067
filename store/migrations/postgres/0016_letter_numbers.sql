-- A new letter number is checked against the reply letter numbers of the agency's cases
-- (store/documents.go nextLetterNo). No index had letter_no: the check read every case of the
-- agency, inside the write transaction of every registration and reply (pprof of registrations:
-- a quarter of serve's CPU, holding the one write lock; docs/performance.md). Only cases with a
-- number are indexed.
CREATE INDEX cases_letter_no ON cases (letter_no, agency_id) WHERE letter_no <> '';
