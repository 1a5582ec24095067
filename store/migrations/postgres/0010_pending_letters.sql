-- Letters are rendered after their transaction commits, outside the write lock (store/pending.go):
-- the transaction stores the numbered document without a body and, in pending_letters, what
-- rendering it needs; the body is stored once, by a transaction that removes the pending row, and
-- never changes after. A letter left pending by a crash is rendered at start-up or when asked for.
CREATE TABLE pending_letters (
    document_id BIGINT PRIMARY KEY REFERENCES documents(id),
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    agency_id   BIGINT NOT NULL REFERENCES agencies(id),
    request     TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE OR REPLACE FUNCTION documents_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.sha256 = '' AND OLD.size = 0 AND NEW.number = OLD.number AND NEW.kind = OLD.kind
       AND NEW.case_id IS NOT DISTINCT FROM OLD.case_id
       AND EXISTS (SELECT 1 FROM pending_letters WHERE document_id = OLD.id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'issued documents never change';
END $$;
