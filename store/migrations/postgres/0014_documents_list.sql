-- SQLite's 0014 adds an index holding the listed columns of documents, because SQLite walks a large
-- body's overflow pages to reach the columns stored after it. PostgreSQL keeps large values out of
-- line (TOAST): its rows are read without their bodies, and nothing changes here.
SELECT 1;
