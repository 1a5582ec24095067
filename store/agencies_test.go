package store

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
)

// Tracking numbers are unique across a deployment: a second agency created with the default
// prefix gets a free one, and both agencies' first cases are stored.
func TestCreateAgencyFreeTrackingPrefix(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		a, err := db.CreateAgency(ctx, "dept-2", "区教育局", cases.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		first, _ := db.AgencyByCode(ctx, "default")
		if a.Settings.TrackingPrefix == first.Settings.TrackingPrefix || a.Settings.TrackingPrefix != "DEPT2" {
			t.Fatalf("prefix %q beside %q", a.Settings.TrackingPrefix, first.Settings.TrackingPrefix)
		}
		stored, _ := db.AgencyByCode(ctx, "dept-2")
		if stored.Settings.TrackingPrefix != "DEPT2" {
			t.Fatalf("stored prefix %q", stored.Settings.TrackingPrefix)
		}
		for _, code := range []string{"default", "dept-2"} {
			app := sampleApplication()
			app.Agency = code
			if _, _, err := db.CreateApplication(ctx, app); err != nil {
				t.Fatalf("%s: %v", code, err)
			}
		}
	})
}

// Agency settings are validated wherever they are written: the store refuses invalid settings
// (EINVALID with the fields) on create and update, and changes nothing.
func TestAgencySettingsValidatedByTheStore(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		bad := cases.DefaultSettings()
		bad.Postcode, bad.TimeZone = "12", "Mars/Olympus"
		_, err := db.CreateAgency(ctx, "dept-3", "区财政局", bad)
		var e *cases.Error
		if !errors.As(err, &e) || e.Code != cases.EINVALID || e.Fields["postcode"] == "" || e.Fields["time_zone"] == "" {
			t.Fatalf("create with bad settings: %v", err)
		}
		if _, err := db.AgencyByCode(ctx, "dept-3"); cases.ErrorCode(err) != cases.ENOTFOUND {
			t.Errorf("agency created: %v", err)
		}
		a, _ := db.AgencyByCode(ctx, "default")
		before := a.Settings
		a.Settings.CorrectionPeriod, a.Settings.Email = 99, "nobody"
		err = db.UpdateAgency(ctx, a)
		if !errors.As(err, &e) || e.Code != cases.EINVALID || e.Fields["correction_period"] == "" || e.Fields["email"] == "" {
			t.Fatalf("update with bad settings: %v", err)
		}
		if after, _ := db.AgencyByCode(ctx, "default"); after.Settings.CorrectionPeriod != before.CorrectionPeriod || after.Settings.Email != before.Email {
			t.Errorf("settings changed: %+v", after.Settings)
		}
		// unset numbers take their defaults before the check
		a.Settings = cases.Settings{TrackingPrefix: "GK"}
		if err := db.UpdateAgency(ctx, a); err != nil {
			t.Errorf("settings with defaults: %v", err)
		}
	})
}

// The tracking prefix is unique by a database constraint: an update to another agency's prefix
// is refused on the field tracking_prefix naming that agency, and the database itself refuses a
// second row with the prefix.
func TestTrackingPrefixUniqueConstraint(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		edu, err := db.CreateAgency(ctx, "edu", "区教育局", cases.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		edu.Settings.TrackingPrefix = "GK" // the default agency's
		err = db.UpdateAgency(ctx, edu)
		var e *cases.Error
		if !errors.As(err, &e) || e.Code != cases.EINVALID || !strings.Contains(e.Fields["tracking_prefix"], "政府信息公开办公室") {
			t.Fatalf("update to a prefix in use: %v %+v", err, e)
		}
		if got, _ := db.AgencyByCode(ctx, "edu"); got.Settings.TrackingPrefix != "EDU" {
			t.Errorf("prefix changed to %s", got.Settings.TrackingPrefix)
		}
		edu.Settings.TrackingPrefix = "JY"
		if err := db.UpdateAgency(ctx, edu); err != nil {
			t.Fatal(err)
		}
		var col string
		if err := db.R.Get(&col, db.R.Rebind(`SELECT tracking_prefix FROM agencies WHERE code = ?`), "edu"); err != nil || col != "JY" {
			t.Errorf("column %q %v", col, err)
		}
		if _, err := db.W.Exec(db.W.Rebind(`INSERT INTO agencies (code, name, settings, tracking_prefix, created_at) VALUES (?, ?, ?, ?, ?)`), "x", "某局", "{}", "JY", time.Now().UTC()); err == nil {
			t.Errorf("the database took a second agency with prefix JY")
		}
	})
}

// The migration that makes the prefix unique stops on a database where agencies share one,
// naming the prefix and the agencies.
func TestTrackingPrefixMigrationCheck(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		for _, code := range []string{"edu", "fin"} {
			if _, err := db.CreateAgency(ctx, code, code+"局", cases.DefaultSettings()); err != nil {
				t.Fatal(err)
			}
		}
		tx, err := db.W.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := checkTrackingPrefixes(ctx, tx); err != nil {
			t.Fatalf("distinct prefixes refused: %v", err)
		}
		// as a database from before the constraint could hold them
		if _, err := tx.Exec(`DROP INDEX agencies_tracking_prefix`); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(tx.Rebind(`UPDATE agencies SET settings = ? WHERE code IN ('edu', 'fin')`), `{"tracking_prefix":"GK"}`); err != nil {
			t.Fatal(err)
		}
		err = checkTrackingPrefixes(ctx, tx)
		if err == nil || !strings.Contains(err.Error(), "“GK”：default（政府信息公开办公室）、edu（edu局）、fin（fin局）") || !strings.Contains(err.Error(), "give each its own") {
			t.Errorf("shared prefix: %v", err)
		}
	})
	if _, ok := migrationChecks["0011_tracking_prefix_unique"]; !ok {
		t.Fatal("no check for the migration")
	}
	for name := range migrationChecks {
		for _, d := range []string{SQLite, Postgres} {
			if _, err := migrations.ReadFile("migrations/" + d + "/" + name + ".sql"); err != nil {
				t.Errorf("check %s names no %s migration", name, d)
			}
		}
	}
}

// The overview's open cases by assignee: one query, the unassigned under "".
func TestOpenCasesByAssignee(t *testing.T) {
	forEachEngine(t, at("2026-11-03"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-11-03")
		var ids []int64
		for range 3 {
			c, err := db.RegisterPaper(ctx, app, clerk)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		}
		mustFire(t, db, ids[0], clerk, "accept", nil)
		mustFire(t, db, ids[1], clerk, "accept", nil)
		mustFire(t, db, ids[1], clerk, "withdraw", nil)
		agency, _ := db.AgencyByCode(ctx, "")
		want := map[string]int{}
		for _, id := range ids {
			c, _ := db.Case(ctx, id)
			if cases.IsOpen(c.State) {
				want[c.Assignee]++
			}
		}
		for _, scope := range [][]int64{nil, {agency.ID}} {
			got, err := db.OpenCasesByAssignee(ctx, scope)
			if err != nil || !maps.Equal(got, want) {
				t.Errorf("scope %v: %v %v, want %v", scope, got, err, want)
			}
		}
		if got, err := db.OpenCasesByAssignee(ctx, []int64{agency.ID + 100}); err != nil || len(got) != 0 {
			t.Errorf("another agency: %v %v", got, err)
		}
	})
}
