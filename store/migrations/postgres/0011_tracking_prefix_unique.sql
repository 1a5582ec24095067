-- Tracking numbers are unique across the deployment, so is the prefix that starts them: a column
-- of its own, filled from the agency settings (empty: the default GK), under a UNIQUE index. A
-- database where two agencies share a prefix is refused, naming them (foidesk checks first,
-- checkTrackingPrefixes in store/agencies.go; this block stops the SQL run by hand).
ALTER TABLE agencies ADD COLUMN tracking_prefix TEXT;
UPDATE agencies SET tracking_prefix = COALESCE(NULLIF(settings::jsonb ->> 'tracking_prefix', ''), 'GK');
DO $$
DECLARE dup TEXT;
BEGIN
    SELECT string_agg(format('%s: %s', tracking_prefix, codes), '; ') INTO dup
    FROM (SELECT tracking_prefix, string_agg(code, ', ' ORDER BY code) AS codes FROM agencies
          GROUP BY tracking_prefix HAVING COUNT(*) > 1) d;
    IF dup IS NOT NULL THEN
        RAISE EXCEPTION 'agencies share a tracking-number prefix (%); give each its own prefix, then migrate again', dup;
    END IF;
END $$;
CREATE UNIQUE INDEX agencies_tracking_prefix ON agencies (tracking_prefix);
