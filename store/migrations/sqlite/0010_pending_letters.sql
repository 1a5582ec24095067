-- Letters are rendered after their transaction commits, outside the write lock (store/pending.go):
-- the transaction stores the numbered document without a body and, in pending_letters, what
-- rendering it needs; the body is stored once, by a transaction that removes the pending row, and
-- never changes after. A letter left pending by a crash is rendered at start-up or when asked for.
DROP TRIGGER documents_immutable;
CREATE TRIGGER documents_immutable BEFORE UPDATE OF body, sha256, number, kind, case_id ON documents
WHEN NOT (OLD.sha256 = '' AND OLD.size = 0 AND NEW.number = OLD.number AND NEW.kind = OLD.kind AND NEW.case_id IS OLD.case_id
          AND EXISTS (SELECT 1 FROM pending_letters WHERE document_id = OLD.id))
BEGIN SELECT RAISE(ABORT, 'issued documents never change'); END;
CREATE TABLE pending_letters (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    request     TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
