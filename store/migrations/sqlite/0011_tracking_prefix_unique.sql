-- Tracking numbers are unique across the deployment, so is the prefix that starts them: a column
-- of its own, filled from the agency settings (empty: the default GK), under a UNIQUE index. A
-- database where two agencies share a prefix is refused before this runs, naming them
-- (checkTrackingPrefixes, store/agencies.go).
ALTER TABLE agencies ADD COLUMN tracking_prefix TEXT;
UPDATE agencies SET tracking_prefix = COALESCE(NULLIF(json_extract(settings, '$.tracking_prefix'), ''), 'GK');
CREATE UNIQUE INDEX agencies_tracking_prefix ON agencies (tracking_prefix);
