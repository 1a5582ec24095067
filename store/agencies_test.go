package store

import (
	"context"
	"errors"
	"testing"

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
