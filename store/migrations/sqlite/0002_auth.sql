-- Login throttling counts failed logins per account and per address (web/auth.go).
CREATE INDEX auth_log_user ON auth_log (username, event, at);
CREATE INDEX auth_log_address ON auth_log (address, event, at);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
