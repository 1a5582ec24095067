package store

import (
	"context"
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
