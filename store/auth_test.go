package store

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	cases "foidesk/case"
)

func TestSessionStore(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		real := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
		s := db.SessionStore()
		s.Now = func() time.Time { return real }
		if _, found, err := s.Find("nope"); found || err != nil {
			t.Fatalf("unknown token: %v %v", found, err)
		}
		if err := s.Commit("tok-a", []byte("alpha"), real.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit("tok-b", []byte("beta"), real.Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		b, found, err := s.Find("tok-a")
		if err != nil || !found || string(b) != "alpha" {
			t.Fatalf("find a: %q %v %v", b, found, err)
		}
		if _, found, _ := s.Find("tok-b"); found {
			t.Fatal("expired session found")
		}
		if err := s.Commit("tok-a", []byte("alpha2"), real.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if b, _, _ := s.Find("tok-a"); string(b) != "alpha2" {
			t.Fatalf("overwrite: %q", b)
		}
		var stored string
		if err := db.R.Get(&stored, `SELECT token FROM sessions LIMIT 1`); err != nil || stored == "tok-a" || stored == "tok-b" {
			t.Fatalf("token stored in clear: %q %v", stored, err)
		}
		if n, err := s.DeleteExpired(ctx); err != nil || n != 1 {
			t.Fatalf("delete expired: %d %v", n, err)
		}
		if n, _ := s.Count(ctx); n != 1 {
			t.Fatalf("count %d", n)
		}
		if err := s.Delete("tok-a"); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete("tok-a"); err != nil {
			t.Fatal("second delete:", err)
		}
		if _, found, _ := s.Find("tok-a"); found {
			t.Fatal("deleted session found")
		}
		// One hour later the remaining session has expired.
		s.Commit("tok-c", []byte("c"), real.Add(time.Hour))
		s.Now = func() time.Time { return real.Add(time.Hour + time.Second) }
		if _, found, _ := s.Find("tok-c"); found {
			t.Fatal("session found after expiry")
		}
	})
}

// A page read does not write the session each time: the same data with an expiry moved by less
// than Refresh is not stored again (the stored expiry stays); a change of data, an expiry moved by
// Refresh or more, and a session deleted and committed again are stored.
func TestSessionStoreSkipsUnchangedCommits(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		real := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
		s := db.SessionStore()
		s.Now = func() time.Time { return real }
		stored := func() time.Time {
			t.Helper()
			var exp time.Time
			if db.Dialect == SQLite {
				var f float64
				if err := db.R.Get(&f, `SELECT expiry FROM sessions WHERE token = ?`, HashSecret("tok")); err != nil {
					t.Fatal(err)
				}
				exp = time.Unix(0, int64(f*1e9)).UTC().Round(time.Millisecond)
			} else if err := db.R.Get(&exp, `SELECT expiry FROM sessions WHERE token = $1`, HashSecret("tok")); err != nil {
				t.Fatal(err)
			}
			return exp.UTC()
		}
		e0 := real.Add(30 * time.Minute)
		if err := s.Commit("tok", []byte("alpha"), e0); err != nil {
			t.Fatal(err)
		}
		// 30 seconds later: same data, expiry 30 s later → not written.
		if err := s.Commit("tok", []byte("alpha"), e0.Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := stored(); !got.Equal(e0) {
			t.Fatalf("unchanged session written again: expiry %v, want %v", got, e0)
		}
		// A minute later → written.
		e1 := e0.Add(time.Minute)
		if err := s.Commit("tok", []byte("alpha"), e1); err != nil {
			t.Fatal(err)
		}
		if got := stored(); !got.Equal(e1) {
			t.Fatalf("expiry moved by a minute not written: %v, want %v", got, e1)
		}
		// New data → written at once.
		if err := s.Commit("tok", []byte("beta"), e1.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if b, _, _ := s.Find("tok"); string(b) != "beta" {
			t.Fatalf("changed data not written: %q", b)
		}
		// Deleted, then committed again by this process → stored.
		if err := s.Delete("tok"); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit("tok", []byte("beta"), e1.Add(2*time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := s.Find("tok"); !found {
			t.Fatal("session committed after a delete not stored")
		}
		// Deleted by another instance (directly in the table): a skipped commit does not bring it back.
		if _, err := db.W.Exec(db.W.Rebind(`DELETE FROM sessions WHERE token = ?`), HashSecret("tok")); err != nil {
			t.Fatal(err)
		}
		if err := s.Commit("tok", []byte("beta"), e1.Add(3*time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := s.Find("tok"); found {
			t.Fatal("a session deleted elsewhere came back")
		}
	})
}

func TestAccountsTokensThrottle(t *testing.T) {
	now := at("2026-11-03")
	forEachEngine(t, now, func(t *testing.T, db *DB) {
		ctx := context.Background()
		a := staff(t, db, "clerk1", "clerk")
		other, err := db.CreateAgency(ctx, "dept", "区住建局", cases.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		roles := []string{"clerk", "supervisor"}
		name, email, off := "李四", "lisi@example.cn", false
		u, err := db.UpdateUser(ctx, a.UserID, cases.UserPatch{Roles: &roles, DisplayName: &name, Email: &email, Agencies: &[]int64{other.ID, other.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if u.RolesText != "clerk,supervisor" || u.DisplayName != "李四" || len(u.Agencies) != 1 || u.Agencies[0] != other.ID {
			t.Fatalf("patched: %+v", u)
		}
		bad := []string{"boss"}
		if _, err := db.UpdateUser(ctx, a.UserID, cases.UserPatch{Roles: &bad}); cases.ErrorCode(err) != cases.EINVALID {
			t.Fatalf("bad role: %v", err)
		}
		short := "short"
		if _, err := db.UpdateUser(ctx, a.UserID, cases.UserPatch{Password: &short}); cases.ErrorCode(err) != cases.EINVALID {
			t.Fatalf("short password: %v", err)
		}
		if _, err := db.UpdateUser(ctx, 999, cases.UserPatch{Active: &off}); cases.ErrorCode(err) != cases.ENOTFOUND {
			t.Fatalf("unknown user: %v", err)
		}
		pw := "a new long password"
		if _, err := db.UpdateUser(ctx, a.UserID, cases.UserPatch{Password: &pw}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, "clerk1", pw); err != nil {
			t.Fatal("new password refused:", err)
		}

		tok, err := db.CreateToken(ctx, a.UserID, "script")
		if err != nil {
			t.Fatal(err)
		}
		ts, err := db.Tokens(ctx, a.UserID)
		if err != nil || len(ts) != 1 || ts[0].Label != "script" || ts[0].RevokedAt != nil {
			t.Fatalf("tokens: %+v %v", ts, err)
		}
		if _, err := db.UserByToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if err := db.RevokeTokenID(ctx, a.UserID+1, ts[0].ID); cases.ErrorCode(err) != cases.ENOTFOUND {
			t.Fatalf("revoking another's token: %v", err)
		}
		if err := db.RevokeTokenID(ctx, a.UserID, ts[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UserByToken(ctx, tok); cases.ErrorCode(err) != cases.EUNAUTHORIZED {
			t.Fatalf("revoked token: %v", err)
		}
		if _, err := db.UpdateUser(ctx, a.UserID, cases.UserPatch{Active: &off}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, "clerk1", pw); cases.ErrorCode(err) != cases.EUNAUTHORIZED {
			t.Fatalf("inactive user logged in: %v", err)
		}

		// Throttling counts: failures since the last success per account, all per address.
		clock := now
		db.Now = func() time.Time { return clock }
		log := func(user, addr, ev string) {
			clock = clock.Add(time.Minute)
			if err := db.LogAuth(ctx, user, addr, ev, ""); err != nil {
				t.Fatal(err)
			}
		}
		log("x", "10.0.0.1", AuthLoginFailed)
		log("x", "10.0.0.1", AuthLoginFailed)
		log("x", "10.0.0.1", AuthLogin)
		log("x", "10.0.0.2", AuthLoginFailed)
		log("y", "10.0.0.1", AuthLoginFailed)
		f, err := db.LoginFailures(ctx, "x", "10.0.0.1", now.Add(-15*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if f.ByUser != 1 || f.ByAddress != 3 || !f.FirstAddress.Equal(now.Add(time.Minute)) || !f.FirstUser.Equal(now.Add(4*time.Minute)) {
			t.Fatalf("failures: %+v", f)
		}
		f, _ = db.LoginFailures(ctx, "x", "10.0.0.1", now.Add(3*time.Minute+time.Second))
		if f.ByUser != 1 || f.ByAddress != 1 {
			t.Fatalf("window: %+v", f)
		}
	})
}

func TestMonthCount(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-11-02")
		var last *cases.Case
		for range 3 {
			c, err := db.RegisterPaper(ctx, app, clerk)
			if err != nil {
				t.Fatal(err)
			}
			last = c
		}
		old := app
		old.ReceivedOn = cases.MustDate("2026-10-30")
		if _, err := db.RegisterPaper(ctx, old, clerk); err != nil {
			t.Fatal(err)
		}
		n, err := db.MonthCount(ctx, last)
		if err != nil || n != 3 {
			t.Fatalf("month count %d %v", n, err)
		}
	})
}

// Issue 11: hashes made with the old parameters (argon2id 64 MiB, 1 pass, 4 lanes) still verify
// with their own parameters and are replaced by the current ones at the next login; BeginLogin
// counts and records in one transaction, per account and address, with a per-account ceiling
// that an unlock lifts.
func TestPasswordRehashAndLoginAttempts(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		u, err := db.CreateUser(ctx, "old1", "correct horse battery", []string{cases.RoleClerk}, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		salt := []byte("0123456789abcdef")
		key := argon2.IDKey([]byte("correct horse battery"), salt, 1, 64*1024, 4, 32)
		old := "$argon2id$v=19$m=65536,t=1,p=4$" + base64.RawStdEncoding.EncodeToString(salt) + "$" + base64.RawStdEncoding.EncodeToString(key)
		if _, err := db.W.Exec(db.W.Rebind(`UPDATE users SET password_hash = ? WHERE id = ?`), old, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(ctx, "old1", "wrong"); cases.ErrorCode(err) != cases.EUNAUTHORIZED {
			t.Fatalf("wrong password on an old hash: %v", err)
		}
		if got, _ := db.UserByName(ctx, "old1"); got.PasswordHash != old {
			t.Fatal("a failed login replaced the hash")
		}
		if _, err := db.Authenticate(ctx, "old1", "correct horse battery"); err != nil {
			t.Fatalf("old hash: %v", err)
		}
		got, _ := db.UserByName(ctx, "old1")
		if !strings.Contains(got.PasswordHash, "$m=19456,t=2,p=1$") || !CheckPassword(got.PasswordHash, "correct horse battery") {
			t.Fatalf("not re-hashed: %s", got.PasswordHash)
		}

		p := cases.LoginPolicy{Window: 15 * time.Minute, PairLimit: 2, AddressLimit: 5, AccountLimit: 4}
		for i := 0; i < 2; i++ {
			if a, err := db.BeginLogin(ctx, "old1", "a1", p); err != nil || a.Throttled || a.ID == 0 {
				t.Fatalf("attempt %d: %+v %v", i, a, err)
			}
		}
		if a, _ := db.BeginLogin(ctx, "old1", "a1", p); !a.Throttled || a.RetryAfter <= 0 {
			t.Fatalf("third from a1: %+v", a)
		}
		a, _ := db.BeginLogin(ctx, "old1", "a2", p)
		if a.Throttled || a.Locked {
			t.Fatalf("another address: %+v", a)
		}
		db.BeginLogin(ctx, "old1", "a3", p)
		if a, _ := db.BeginLogin(ctx, "old1", "a4", p); !a.Locked {
			t.Fatalf("ceiling: %+v", a)
		}
		if locked, _ := db.AccountLocked(ctx, "old1", p); !locked {
			t.Fatal("AccountLocked")
		}
		if err := db.UnlockUser(ctx, "old1", "admin"); err != nil {
			t.Fatal(err)
		}
		a, _ = db.BeginLogin(ctx, "old1", "a4", p)
		if a.Locked || a.Throttled {
			t.Fatalf("after unlock: %+v", a)
		}
		if err := db.LoginSucceeded(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		var ev string
		db.R.Get(&ev, db.R.Rebind(`SELECT event FROM auth_log WHERE id = ?`), a.ID)
		if ev != AuthLogin {
			t.Fatalf("succeeded attempt recorded as %q", ev)
		}
	})
}
