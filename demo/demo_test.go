package demo

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/forms"
	"foidesk/store"
)

// The identity numbers the demo (and tests) use pass the applicant checks of docs/rules.md §1.
func TestIdentityNumbersAreValid(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	today := cases.NewDate(2026, 6, 15)
	for i := 0; i < 200; i++ {
		id := ResidentID(r, cases.NewDate(1950+i%50, time.Month(1+i%12), 1+i%28))
		if err := cases.ValidateResidentID(id, today); err != nil {
			t.Fatalf("ResidentID %s: %v", id, err)
		}
		code := CreditCode(r, "91")
		if err := cases.ValidateCreditCode(code); err != nil {
			t.Fatalf("CreditCode %s: %v", code, err)
		}
	}
}

// Fill writes the accounts and the asked number of cases through the real workflow: the
// histories it leaves verify.
func TestFill(t *testing.T) {
	if _, err := os.Stat(forms.DefaultFontPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but the font %s is missing (apt-get install %s)", forms.DefaultFontPath, forms.FontPackage)
		}
		t.Skipf("font %s missing (apt-get install %s): skipping", forms.DefaultFontPath, forms.FontPackage)
	}
	ctx := context.Background()
	db, err := store.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	font, err := forms.LoadFont(forms.DefaultFontPath)
	if err != nil {
		t.Fatal(err)
	}
	db.Renderer = forms.NewRenderer(font, nil)

	res, err := Fill(ctx, db, Config{Cases: 12, Seed: 3, Today: cases.NewDate(2026, 6, 15)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cases != 12 || len(res.Logins) != 4 {
		t.Errorf("Fill wrote %d cases and %d logins, want 12 and 4", res.Cases, len(res.Logins))
	}
	if n, err := db.CountCases(ctx, cases.CaseFilter{}); err != nil || n != 12 {
		t.Errorf("CountCases = %d, %v; want 12", n, err)
	}
	for _, l := range res.Logins {
		if _, err := db.UserByName(ctx, l.User); err != nil {
			t.Errorf("demo account %s: %v", l.User, err)
		}
	}
	if _, broken, err := db.AuditVerify(ctx); err != nil || len(broken) != 0 {
		t.Errorf("AuditVerify after Fill: %v %v", broken, err)
	}
	// The letters, rendered by the background renderer while the cases ran, are all stored.
	var pending, empty, letters int
	db.R.Get(&pending, `SELECT COUNT(*) FROM pending_letters`)
	db.R.Get(&empty, `SELECT COUNT(*) FROM documents WHERE size = 0 OR sha256 = ''`)
	db.R.Get(&letters, `SELECT COUNT(*) FROM documents WHERE content_type = 'application/pdf'`)
	if pending != 0 || empty != 0 || letters == 0 {
		t.Errorf("after Fill: %d letters pending, %d documents without a body, %d letters", pending, empty, letters)
	}
}
