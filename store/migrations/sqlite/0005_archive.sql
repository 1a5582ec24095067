-- The archive (docs/operations.md "Archive"): each archived case's 年度 (its conclusion year) and
-- 件号 (yearly per agency, sequence class 'archive_item'), assigned in the transaction of its
-- first archiving and never changed or reused; a case reopened and archived again keeps them.
CREATE TABLE archive_items (
    case_id     INTEGER PRIMARY KEY REFERENCES cases(id),
    agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    year        INTEGER NOT NULL,
    item_no     INTEGER NOT NULL,
    archived_at TIMESTAMP NOT NULL,
    UNIQUE (agency_id, year, item_no)
);
CREATE TRIGGER archive_items_no_update BEFORE UPDATE ON archive_items
BEGIN SELECT RAISE(ABORT, 'an archive item number never changes'); END;
CREATE TRIGGER archive_items_no_delete BEFORE DELETE ON archive_items
BEGIN SELECT RAISE(ABORT, 'an archive item number never changes'); END;
