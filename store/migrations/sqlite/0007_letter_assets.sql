-- What an agency's issued letters carry besides text (docs/design.md "Documents"): the seal image
-- printed over the date line and the certificate and private key of the PDF signature. Kept out of
-- the agencies row so that the private key is read only where letters are issued.
CREATE TABLE agency_letter_assets (
    agency_id    INTEGER PRIMARY KEY REFERENCES agencies(id),
    seal_png     BLOB,
    signing_cert TEXT NOT NULL DEFAULT '',
    signing_key  TEXT NOT NULL DEFAULT '',
    updated_by   TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL
);

-- A document staff uploaded as information to release: only these can be attached to a reply
-- (附件), never the applicant's own identity proof or another case's document.
ALTER TABLE documents ADD COLUMN for_release BOOLEAN NOT NULL DEFAULT 0;
