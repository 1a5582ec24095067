-- The archive (docs/operations.md "Archive"): each archived case's 年度 (its conclusion year) and
-- 件号 (yearly per agency, sequence class 'archive_item'), assigned in the transaction of its
-- first archiving and never changed or reused; a case reopened and archived again keeps them.
CREATE TABLE archive_items (
    case_id     BIGINT PRIMARY KEY REFERENCES cases(id),
    agency_id   BIGINT NOT NULL REFERENCES agencies(id),
    year        INTEGER NOT NULL,
    item_no     INTEGER NOT NULL,
    archived_at TIMESTAMPTZ NOT NULL,
    UNIQUE (agency_id, year, item_no)
);
CREATE FUNCTION archive_items_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'an archive item number never changes'; END $$;
CREATE TRIGGER archive_items_no_change BEFORE UPDATE OR DELETE ON archive_items
FOR EACH ROW EXECUTE FUNCTION archive_items_immutable();
