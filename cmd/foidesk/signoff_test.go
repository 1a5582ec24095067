package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docs/rules.md §8, Art. 45, on the real binary with FOIDESK_NOW: June 2025 signed off on 8 July;
// a letter received on 30 June is refused with the way forward; a clerk may not reopen; the
// supervisor reopens with a reason, the letter is registered (imported), June is signed off again,
// and "ledger signoffs" lists both sign-offs and the reopening.
func TestLedgerReopenCommand(t *testing.T) {
	needFont(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	t.Setenv("FOIDESK_NOW", "2025-07-08T09:00:00+08:00")
	if code, _, errOut := run(t, "", "--db", db, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	for _, u := range [][2]string{{"sup1", "supervisor"}, {"clerk1", "clerk"}} {
		if code, _, errOut := run(t, "Correct horse battery 1\n", "--db", db, "user", "add", u[0], "--role", u[1]); code != 0 {
			t.Fatalf("user add %s: %s", u[0], errOut)
		}
	}
	if code, out, errOut := run(t, "", "--db", db, "ledger", "signoff", "--year", "2025", "--month", "6", "--user", "sup1", "--acknowledge", "0"); code != 0 || !strings.HasPrefix(out, "signed: default 2025-06 sha256=") {
		t.Fatalf("signoff: exit %d %q %s", code, out, errOut)
	}

	t.Setenv("FOIDESK_NOW", "2025-07-10T10:00:00+08:00")
	letter := filepath.Join(dir, "late.csv")
	os.WriteFile(letter, []byte("tracking_no,applicant_kind,org_category,name,id_type,id_number,channel,received_on,description,outcome,concluded_on,letter_no\n"+
		",person,,王建国,resident_id,430104198001101004,post_registered,2025-06-30,申请公开本区2024年道路维修资金的使用情况。,,,\n"), 0o644)
	if code, _, errOut := run(t, "", "--db", db, "import", letter); code != 1 || !strings.Contains(errOut, "2025年6月的台账已签核") || !strings.Contains(errOut, "重新开放该月的签核") {
		t.Fatalf("late post in a signed month: exit %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "", "--db", db, "ledger", "reopen", "--year", "2025", "--month", "6", "--user", "clerk1", "--reason", "补登"); code != 1 || !strings.Contains(errOut, "只有审核人") {
		t.Errorf("clerk reopening: exit %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "", "--db", db, "ledger", "reopen", "--year", "2025", "--month", "6", "--user", "sup1"); code != 2 || !strings.Contains(errOut, "--reason") {
		t.Errorf("no reason: exit %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "", "--db", db, "ledger", "reopen", "--year", "2025", "--month", "5", "--user", "sup1", "--reason", "补登"); code != 1 || !strings.Contains(errOut, "尚未签核") {
		t.Errorf("May, not signed: exit %d %s", code, errOut)
	}
	code, out, errOut := run(t, "", "--db", db, "ledger", "reopen", "--year", "2025", "--month", "6", "--user", "sup1", "--reason", "补登6月30日收到的挂号信")
	if code != 0 || out != "reopened: default 2025-06 round=1 by sup1: 补登6月30日收到的挂号信\n" {
		t.Fatalf("reopen: exit %d %q %s", code, out, errOut)
	}
	if code, out, errOut := run(t, "", "--db", db, "import", letter); code != 0 || !strings.HasPrefix(out, "imported: 1") {
		t.Fatalf("late post after the reopening: exit %d %q %s", code, out, errOut)
	}

	t.Setenv("FOIDESK_NOW", "2025-07-10T11:00:00+08:00")
	if code, out, errOut := run(t, "", "--db", db, "ledger", "signoff", "--year", "2025", "--month", "6", "--user", "sup1", "--acknowledge", "0"); code != 0 || !strings.HasPrefix(out, "signed: default 2025-06 sha256=") {
		t.Fatalf("signoff again: exit %d %q %s", code, out, errOut)
	}
	code, out, errOut = run(t, "", "--db", db, "ledger", "signoffs")
	want := regexp.MustCompile(`^SIGNED default 2025-06 round=2 2025-07-10T11:00:00\+08:00 sup1 sha256=[0-9a-f]{64}
REOPENED default 2025-06 round=1 2025-07-10T10:00:00\+08:00 sup1: 补登6月30日收到的挂号信
SIGNED default 2025-06 round=1 2025-07-08T09:00:00\+08:00 sup1 sha256=[0-9a-f]{64}
signoffs: 2, reopenings: 1
$`)
	if code != 0 || !want.MatchString(out) {
		t.Errorf("signoffs: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := run(t, "", "--db", db, "ledger", "signoffs", "--year", "2025", "--month", "5"); code != 0 || out != "signoffs: 0, reopenings: 0\n" {
		t.Errorf("signoffs of May: exit %d %q", code, out)
	}
}
