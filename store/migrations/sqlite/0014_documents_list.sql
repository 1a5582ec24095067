-- A case's documents are listed without their bodies (store/documents.go documentColumns). SQLite
-- reaches the columns stored after a large value by walking that value's overflow pages, and
-- for_release and created_at come after body: listing a case's letters read their whole PDFs
-- (pprof of add_note over HTTP: 10 % of the CPU; docs/performance.md). This index holds every
-- listed column, so a case's list is read from the index alone; it replaces documents_case, its
-- prefix.
CREATE INDEX documents_case_list ON documents (case_id, id, event_seq, kind, number, title, filename, content_type, sha256, size, to_applicant, for_release, warnings, created_at);
DROP INDEX documents_case;
