package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/argon2"

	cases "foidesk/case"
)

// ParseRoles checks a comma-separated role list.
func ParseRoles(s string) ([]string, error) {
	var out []string
	for _, r := range strings.Split(s, ",") {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !cases.Roles.Has(r) {
			return nil, cases.Errorf(cases.EINVALID, "未知的角色“%s”（可选：clerk、supervisor、admin）。", "unknown role %q (clerk, supervisor, admin)", r)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, cases.Errorf(cases.EINVALID, "请至少指定一个角色。", "give at least one role")
	}
	return out, nil
}

// Password hashing: argon2id with the OWASP minimum (19 MiB, 2 passes, 1 lane), so that a burst
// of logins cannot exhaust the server's memory (issue 11; the web layer also bounds how many
// hashes run at once). Hashes made with other parameters (64 MiB, 1 pass, 4 lanes before) are
// verified with their own parameters and re-hashed at the next successful login.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

var argonParams = fmt.Sprintf("m=%d,t=%d,p=%d", argonMemory, argonTime, argonThreads)

// HashPassword hashes a password with argon2id (argonParams).
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=19$%s$%s$%s", argonParams, base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether pw matches an argon2id hash, verified with the hash's own
// parameters.
func CheckPassword(hash, pw string) bool {
	ok, _ := checkPassword(hash, pw)
	return ok
}

// checkPassword also reports whether the hash was made with parameters other than the current
// ones (and should be replaced).
func checkPassword(hash, pw string) (ok, stale bool) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" {
		return false, false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || t < 1 || p < 1 || m < 8*uint32(p) || m > 1<<20 || t > 16 {
		return false, false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, parts[3] != argonParams
}

// CreateUser adds a staff account of agency (0: the first agency).
func (db *DB) CreateUser(ctx context.Context, username, password string, roles []string, agencyID int64, display string) (cases.User, error) {
	if !validCode(username) {
		return cases.User{}, cases.Errorf(cases.EINVALID, "用户名只能由字母、数字、下划线和连字符组成。", "a username is letters, digits, _ and -")
	}
	if username == "system" || username == "applicant" {
		return cases.User{}, cases.Errorf(cases.EINVALID, "用户名“%s”为系统保留。", "%s is reserved", username)
	}
	if len([]rune(password)) < 8 {
		return cases.User{}, cases.Errorf(cases.EINVALID, "密码至少8个字符。", "a password has at least 8 characters")
	}
	if agencyID == 0 {
		a, err := db.AgencyByCode(ctx, "")
		if err != nil {
			return cases.User{}, err
		}
		agencyID = a.ID
	}
	u := cases.User{AgencyID: agencyID, Username: username, DisplayName: display, PasswordHash: HashPassword(password), RolesText: strings.Join(roles, ","), Active: true}
	err := db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM users WHERE username = ?`), username); err != nil {
			return err
		}
		if n > 0 {
			return cases.Errorf(cases.ECONFLICT, "用户名“%s”已存在。", "user %s exists", username)
		}
		return tx.GetContext(ctx, &u.ID, tx.Rebind(`INSERT INTO users (agency_id, username, display_name, password_hash, roles, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			u.AgencyID, u.Username, u.DisplayName, u.PasswordHash, u.RolesText, true, now.UTC())
	})
	return u, err
}

// userColumns are the columns of cases.User.
const userColumns = `id, agency_id, username, display_name, email, password_hash, roles, active, all_agencies, must_change_password`

// UserByName returns the account username; ENOTFOUND when none.
func (db *DB) UserByName(ctx context.Context, username string) (cases.User, error) {
	var u cases.User
	if err := db.R.GetContext(ctx, &u, db.R.Rebind(`SELECT `+userColumns+` FROM users WHERE username = ?`), username); err != nil {
		return u, notFound(err, "用户不存在。", "no such user")
	}
	return u, db.loadUserAgencies(ctx, &u)
}

// UserByID returns the account id.
func (db *DB) UserByID(ctx context.Context, id int64) (cases.User, error) {
	// every signed-in request asks: kept until the next commit (readcache.go)
	u, err := cached(ctx, db, "user\x00"+strconv.FormatInt(id, 10), func() (cases.User, error) {
		var u cases.User
		if err := db.R.GetContext(ctx, &u, db.R.Rebind(`SELECT `+userColumns+` FROM users WHERE id = ?`), id); err != nil {
			return u, notFound(err, "用户不存在。", "no such user")
		}
		return u, db.loadUserAgencies(ctx, &u)
	})
	u.Agencies = slices.Clone(u.Agencies) // the cached user is shared
	return u, err
}

func (db *DB) loadUserAgencies(ctx context.Context, u *cases.User) error {
	return db.R.SelectContext(ctx, &u.Agencies, db.R.Rebind(`SELECT agency_id FROM user_agencies WHERE user_id = ?`), u.ID)
}

// Users lists the accounts of an agency (0: all).
func (db *DB) Users(ctx context.Context, agencyID int64) ([]cases.User, error) {
	// the queue lists the clerks on every view: kept until the next commit (readcache.go)
	us, err := cached(ctx, db, "users\x00"+strconv.FormatInt(agencyID, 10), func() ([]cases.User, error) {
		var us []cases.User
		q := `SELECT ` + userColumns + ` FROM users`
		args := []any{}
		if agencyID != 0 {
			q += ` WHERE agency_id = ?`
			args = append(args, agencyID)
		}
		err := db.R.SelectContext(ctx, &us, db.R.Rebind(q+` ORDER BY username`), args...)
		return us, err
	})
	us = slices.Clone(us) // the cached list is shared
	for i := range us {
		us[i].Agencies = slices.Clone(us[i].Agencies)
	}
	return us, err
}

// Authenticate checks a username and password; EUNAUTHORIZED on any mismatch.
func (db *DB) Authenticate(ctx context.Context, username, password string) (cases.User, error) {
	u, err := db.UserByName(ctx, username)
	var ok, stale bool
	if err == nil {
		ok, stale = checkPassword(u.PasswordHash, password)
	} else {
		CheckPassword(dummyHash, password) // the same work for unknown users
	}
	if !ok || !u.Active {
		return cases.User{}, cases.Errorf(cases.EUNAUTHORIZED, "用户名或密码不正确。", "wrong username or password")
	}
	if stale { // older parameters: re-hashed now that the password is known
		h := HashPassword(password)
		if _, err := db.W.ExecContext(ctx, db.W.Rebind(`UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?`), h, u.ID, u.PasswordHash); err != nil {
			return cases.User{}, err
		}
		u.PasswordHash = h
	}
	return u, nil
}

var dummyHash = HashPassword("not a password of anyone")

// HashSecret is the SHA-256 (hex) under which access codes and API tokens are stored.
func HashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// RandomToken returns n random bytes as URL-safe base64 without padding.
func RandomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// CreateToken issues an API bearer token for a user (43 characters of [A-Za-z0-9_-]); only its
// hash is stored.
func (db *DB) CreateToken(ctx context.Context, userID int64, label string) (string, error) {
	tok := RandomToken(32)
	_, err := db.W.ExecContext(ctx, db.W.Rebind(`INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)`), userID, HashSecret(tok), label, db.Now().UTC())
	return tok, err
}

// RevokeToken revokes a token by its value.
func (db *DB) RevokeToken(ctx context.Context, token string) error {
	_, err := db.W.ExecContext(ctx, db.W.Rebind(`UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`), db.Now().UTC(), HashSecret(token))
	return err
}

// UserByToken returns the active user holding an unrevoked token; EUNAUTHORIZED otherwise.
func (db *DB) UserByToken(ctx context.Context, token string) (cases.User, error) {
	// One query for the token, its user and the user's agencies: this runs on every API request.
	list := `group_concat(agency_id)`
	if db.Dialect == Postgres {
		list = `string_agg(agency_id::text, ',')`
	}
	var r struct {
		cases.User
		AgencyList sql.NullString `db:"agency_list"`
	}
	err := db.R.GetContext(ctx, &r, db.R.Rebind(`SELECT u.`+strings.ReplaceAll(userColumns, ", ", ", u.")+`,
		(SELECT `+list+` FROM user_agencies WHERE user_id = u.id) AS agency_list
		FROM users u WHERE u.id = (SELECT t.user_id FROM api_tokens t WHERE t.token_hash = ? AND t.revoked_at IS NULL) AND u.active`), HashSecret(token))
	if err != nil {
		return cases.User{}, cases.Errorf(cases.EUNAUTHORIZED, "请先登录。", "authentication required")
	}
	u := r.User
	if r.AgencyList.Valid && r.AgencyList.String != "" {
		for _, f := range strings.Split(r.AgencyList.String, ",") {
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return cases.User{}, fmt.Errorf("user %d: agency list %q: %w", u.ID, r.AgencyList.String, err)
			}
			u.Agencies = append(u.Agencies, id)
		}
	}
	return u, nil
}

// LogAuth records a login, failed login or logout.
func (db *DB) LogAuth(ctx context.Context, username, address, event, detail string) error {
	_, err := db.W.ExecContext(ctx, db.W.Rebind(`INSERT INTO auth_log (at, username, address, event, detail) VALUES (?, ?, ?, ?, ?)`), db.Now().UTC(), username, address, event, detail)
	return err
}
