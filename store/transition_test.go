package store

import (
	"context"
	"strings"
	"testing"

	cases "foidesk/case"
)

// The scheduler's events go through the same TransitionCase as people's, the sign-off check
// included: a lapse dated inside a signed-off month is refused, the same lapse dated the day the
// sweep runs is applied (Art. 30: a correction not made in time closes the application).
func TestArt30_SchedulerLapseChecksTheSignOff(t *testing.T) {
	forEachEngine(t, at("2026-01-05"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		clerk := staff(t, db, "clerk1", "clerk")
		sup := staff(t, db, "sup1", "supervisor")
		agency, _ := db.AgencyByCode(ctx, "")
		app := sampleApplication()
		app.Channel, app.ReceivedOn = cases.ChannelInPerson, cases.MustDate("2026-01-05")
		c, err := db.RegisterPaper(ctx, app, clerk)
		if err != nil {
			t.Fatal(err)
		}
		mustFire(t, db, c.ID, clerk, "request_correction", map[string]any{"items": []string{"请补充文件名称。"}})

		setNow(db, "2026-02-06") // January signs off after its grace period
		led, err := db.SignOffLedger(ctx, agency.ID, 2026, 1, sup)
		if err != nil {
			t.Fatal(err)
		}
		findings, err := db.AuditMonth(ctx, agency.ID, 2026, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SignOffMonth(ctx, cases.SignOffRequest{AgencyID: agency.ID, Year: 2026, Month: 1, LedgerPDF: []byte("%PDF-1.4 ledger"), LedgerDigest: led.Digest, Acknowledged: len(findings), Note: "已核对"}, sup); err != nil {
			t.Fatal(err)
		}

		_, err = db.TransitionCase(ctx, c.ID, cases.EventRequest{Event: "correction_lapsed"}, cases.SystemActor, at("2026-01-30"))
		if cases.ErrorCode(err) != cases.ECONFLICT || !strings.Contains(cases.ErrorMessage(err, "zh"), "2026年1月的台账已签核") {
			t.Fatalf("a lapse dated in the signed-off January: %v", err)
		}
		got, err := db.TransitionCase(ctx, c.ID, cases.EventRequest{Event: "correction_lapsed"}, cases.SystemActor, at("2026-02-09"))
		if err != nil {
			t.Fatalf("a lapse dated the day the sweep runs: %v", err)
		}
		if got.State != cases.StateClosed || len(got.Events) == 0 || got.Events[len(got.Events)-1].Event != "correction_lapsed" {
			t.Errorf("after the lapse: state %s, %d events", got.State, len(got.Events))
		}
	})
}
