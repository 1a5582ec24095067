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
	Password    *string // at least 8 characters (ValidatePassword at the entry points)
	AllAgencies *bool   // a deployment administrator
	// MustChangePassword: set when an administrator sets the password of another account; the
	// owner's own change clears it.
	MustChangePassword *bool
}

// LoginFailures counts the failed logins of an account and of an address since an instant, with
// the earliest counted failure of each (for Retry-After).
type LoginFailures struct {
	ByUser       int
	ByAddress    int
	FirstUser    time.Time
	FirstAddress time.Time
}

// LoginPolicy is the throttle of POST /login (docs/api.md "Pages other programs rely on"): PairLimit failures of one
// account from one address within Window block that pair; AddressLimit failures of one address
// (any accounts) within Window block the address; AccountLimit failures of one account since
// its last login or unlock lock the account until an administrator unlocks it.
type LoginPolicy struct {
	Window       time.Duration
	PairLimit    int
	AddressLimit int
	AccountLimit int
}

// LoginAttempt is the outcome of BeginLogin: ID of the recorded attempt, or Throttled with the
// time until the window frees a slot, or Locked (an administrator must unlock the account).
type LoginAttempt struct {
	ID         int64
	Throttled  bool
	Locked     bool
	RetryAfter time.Duration
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
	// BeginLogin counts the failures that throttle a login of username from address and, in the
	// same transaction, records this attempt as a failure (LoginSucceeded turns it into a login),
	// so that parallel guesses are each counted before any password is checked.
	BeginLogin(ctx context.Context, username, address string, p LoginPolicy) (LoginAttempt, error)
	// LoginSucceeded records that attempt id (of BeginLogin) was a successful login.
	LoginSucceeded(ctx context.Context, id int64) error
	// UnlockUser lifts the per-account lock of username (failures before now stop counting).
	UnlockUser(ctx context.Context, username, by string) error
	// AccountLocked reports whether username has reached the per-account ceiling of p.
	AccountLocked(ctx context.Context, username string, p LoginPolicy) (bool, error)
	// MonthCount is the applicant's number of requests received in the case's receipt month,
	// this one included, discarded submissions excluded (国办函〔2020〕109号, per request).
	MonthCount(ctx context.Context, c *Case) (int, error)
}

// AccessEntry is one staff view of personal data (identity numbers, contacts): the case page,
// the API's case, a document of the case, a full ledger export. The access log is append-only
// (GB/T 22239-2019 8.1.4.3, 安全审计; 个人信息保护法 Art. 51).
type AccessEntry struct {
	ID       int64     `db:"id" json:"id"`
	At       time.Time `db:"at" json:"at"`
	UserID   int64     `db:"user_id" json:"user_id"`
	Username string    `db:"username" json:"username"`
	CaseID   int64     `db:"case_id" json:"case_id"`
	AgencyID int64     `db:"agency_id" json:"-"`
	What     string    `db:"what" json:"what"` // case_page, api_case, document:<id>, export
	Address  string    `db:"address" json:"address"`
}

// AccessLogService keeps the access log of personal data.
type AccessLogService interface {
	// LogAccess appends entries in one transaction (the web layer batches them).
	LogAccess(ctx context.Context, entries []AccessEntry) error
	// AccessLog lists the views of a case, newest first (at most limit).
	AccessLog(ctx context.Context, caseID int64, limit int) ([]AccessEntry, error)
	// AccessLogRange lists the views of the agencies' cases in [from, to), oldest first.
	AccessLogRange(ctx context.Context, agencyIDs []int64, from, to time.Time) ([]AccessEntry, error)
}
