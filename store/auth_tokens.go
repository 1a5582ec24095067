package store

import (
	"context"

	cases "foidesk/case"
)

// Tokens lists a user's API tokens (never their values), newest first.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]cases.APIToken, error) {
	ts := []cases.APIToken{}
	err := db.R.SelectContext(ctx, &ts, db.R.Rebind(`SELECT id, user_id, label, created_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC`), userID)
	return ts, err
}

// RevokeTokenID revokes one token of a user by its id; ENOTFOUND when the user has no such
// unrevoked token.
func (db *DB) RevokeTokenID(ctx context.Context, userID, tokenID int64) error {
	r, err := db.W.ExecContext(ctx, db.W.Rebind(`UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`), db.Now().UTC(), tokenID, userID)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return cases.E(cases.ENOTFOUND, "令牌不存在或已撤销。", "no such token, or already revoked")
	}
	return nil
}
