package cases

import (
	"context"
	"time"
)

// APIToken describes an API bearer token of a staff account; its value is shown once, at
// creation, and only its SHA-256 is stored.
type APIToken struct {
	ID        int64      `db:"id" json:"id"`
	UserID    int64      `db:"user_id" json:"user_id"`
	Label     string     `db:"label" json:"label"`
	CreatedAt time.Time  `db:"created_at" json:"created_at"`
	RevokedAt *time.Time `db:"revoked_at" json:"revoked_at,omitempty"`
}

// UserPatch changes a staff account; nil fields stay as they are.
type UserPatch struct {
	DisplayName *string
	Email       *string
	Roles       *[]string // checked against Roles; at least one
	AgencyID    *int64    // the home agency
	Agencies    *[]int64  // further agencies the user oversees (a district supervisor)
	Active      *bool
	Password    *string // at least 8 characters
}

// LoginFailures counts the failed logins of an account and of an address since an instant, with
// the earliest counted failure of each (for Retry-After).
type LoginFailures struct {
	ByUser       int
	ByAddress    int
	FirstUser    time.Time
	FirstAddress time.Time
}

// AccountService is what the office side needs besides UserService: account changes, token
// listing and revocation, login throttling and the fee count of an applicant.
type AccountService interface {
	// UpdateUser applies p to the account id (ENOTFOUND, EINVALID).
	UpdateUser(ctx context.Context, id int64, p UserPatch) (User, error)
	// Tokens lists the tokens of a user, newest first.
	Tokens(ctx context.Context, userID int64) ([]APIToken, error)
	// RevokeTokenID revokes a token of a user by its id (ENOTFOUND).
	RevokeTokenID(ctx context.Context, userID, tokenID int64) error
	// LoginFailures counts failed logins of username (since its last successful login) and of
	// address since the instant since.
	LoginFailures(ctx context.Context, username, address string, since time.Time) (LoginFailures, error)
	// MonthCount is the applicant's number of requests received in the case's receipt month,
	// this one included, discarded submissions excluded (国办函〔2020〕109号, per request).
	MonthCount(ctx context.Context, c *Case) (int, error)
}
