-- The background renderer of `serve` (store/pending.go) claims pending letters for a while before
-- rendering them, so that two instances on one database do not both render a letter; a claim whose
-- instance died or whose rendering failed runs out and the letter is taken up again.
ALTER TABLE pending_letters ADD COLUMN claimed_until TIMESTAMP;
