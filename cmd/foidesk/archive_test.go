package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	cases "foidesk/case"
	"foidesk/store"
)

// archivedCases drives two cases to archived in 2026: one with a consultation of another agency
// and a fee, replied, delivered and archived; one withdrawn and archived. It returns them.
func archivedCases(t *testing.T, dbPath string) (full, withdrawn *cases.Case, db *store.DB) {
	t.Helper()
	db = openTestDB(t, dbPath, "2026-03-02")
	r, err := loadRenderer(context.Background(), defaultFontPath(t))
	if err != nil {
		t.Fatal(err)
	}
	db.Renderer = r
	ctx := context.Background()
	clerk := testUser(t, db, "clerk1", cases.RoleClerk)
	sup := testUser(t, db, "sup1", cases.RoleSupervisor)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	on := func(day string) time.Time {
		d := cases.MustDate(day)
		return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, loc)
	}
	fire := func(c *cases.Case, day string, actor cases.Actor, event string, payload any) *cases.Case {
		t.Helper()
		now := on(day)
		db.Now = func() time.Time { return now }
		b, _ := json.Marshal(payload)
		n, err := db.TransitionCase(ctx, c.ID, cases.EventRequest{Event: cases.EventName(event), Payload: b}, actor, now)
		if err != nil {
			t.Fatalf("%s on %s: %v", event, day, err)
		}
		return n
	}
	full, err = db.RegisterPaper(ctx, testApplication("2026-03-02"), clerk)
	if err != nil {
		t.Fatal(err)
	}
	full = fire(full, "2026-03-02", clerk, "accept", map[string]any{})
	full = fire(full, "2026-03-03", clerk, "consult", map[string]any{"parties": []map[string]any{{"kind": "agency", "name": "清溪区自然资源局"}}})
	full = fire(full, "2026-03-06", clerk, "consultation_done", map[string]any{"answers": []map[string]any{{"name": "清溪区自然资源局", "answer": "agree", "text": "同意公开。"}}})
	full = fire(full, "2026-03-09", clerk, "request_fee", map[string]any{"basis": "per_page", "pages": 260})
	full = fire(full, "2026-03-11", clerk, "fee_paid", map[string]any{"paid_on": "2026-03-11"})
	full = fire(full, "2026-03-16", clerk, "draft_reply", map[string]any{"outcome": cases.OutcomeDisclose, "reasons": "经审查，您申请的信息属于公开范围，予以公开。"})
	full = fire(full, "2026-03-17", sup, "approve", map[string]any{})
	full = fire(full, "2026-03-18", clerk, "record_delivery", map[string]any{"way": "pickup", "delivered_on": "2026-03-18"})
	full = fire(full, "2026-03-20", clerk, "archive", map[string]any{})
	if full.State != cases.StateArchived {
		t.Fatalf("state %s", full.State)
	}
	apr := on("2026-04-01")
	db.Now = func() time.Time { return apr }
	withdrawn, err = db.RegisterPaper(ctx, testApplication("2026-04-01"), clerk)
	if err != nil {
		t.Fatal(err)
	}
	withdrawn = fire(withdrawn, "2026-04-02", clerk, "withdraw", map[string]any{"reason": "申请人书面撤回申请。"})
	withdrawn = fire(withdrawn, "2026-04-03", clerk, "archive", map[string]any{})
	return full, withdrawn, db
}

func defaultFontPath(t *testing.T) string {
	needFont(t)
	return opts(context.Background()).Font
}

func zipFiles(t *testing.T, path string) ([]string, map[string][]byte) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		names = append(names, f.Name)
		files[f.Name] = b
	}
	return names, files
}

// Art. 45 (归档): the year's transfer is written by the real binary, verifies offline, and names
// a file altered by one byte and a package removed (exit 1).
func TestArchiveExportAndVerify(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "archive.db")
	full, withdrawn, db := archivedCases(t, dbPath)
	db.Close()
	out := filepath.Join(dir, "transfer")
	code, stdout, stderr := run(t, "", "--db", dbPath, "archive", "export", "--year", "2026", "--out", out)
	if code != 0 || stdout != "exported: 2\n" {
		t.Fatalf("export: exit %d %q %s", code, stdout, stderr)
	}
	for _, p := range []string{"目录.pdf", "index.csv", full.TrackingNo + ".zip", withdrawn.TrackingNo + ".zip"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("missing %s", p)
		}
	}
	idx, _ := os.ReadFile(filepath.Join(out, "index.csv"))
	if lines := strings.Split(strings.TrimSuffix(string(idx), "\n"), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], full.TrackingNo+",") ||
		!strings.Contains(lines[0], ",WS·2026-D30-DEFAULT-0001,") || !strings.Contains(lines[1], ",WS·2026-D10-DEFAULT-0002,") {
		t.Errorf("index.csv:\n%s", idx)
	}
	// The package: its layout, and every document byte for byte as stored.
	pkg := filepath.Join(out, full.TrackingNo+".zip")
	names, files := zipFiles(t, pkg)
	if names[0] != "目录.pdf" || !slices.Equal(names[len(names)-4:], []string{"history.json", "history.pdf", "metadata.json", "manifest.json"}) {
		t.Errorf("layout %v", names)
	}
	db2, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := db2.Case(context.Background(), full.ID)
	db2.Close()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i, d := range c.Documents {
		kinds = append(kinds, d.Kind)
		name := names[1+i]
		sum := sha256.Sum256(files[name])
		if !strings.Contains(name, d.Kind) || hex.EncodeToString(sum[:]) != d.SHA256 {
			t.Errorf("%s is not document %d (%s) as stored", name, d.ID, d.Kind)
		}
	}
	for _, k := range []string{cases.DocConsultationLetter, cases.DocFeeNotice, cases.DocReply} {
		if !slices.Contains(kinds, k) {
			t.Errorf("no %s among %v", k, kinds)
		}
	}
	var man struct {
		EventCount int    `json:"event_count"`
		HeadHash   string `json:"head_hash"`
	}
	json.Unmarshal(files["manifest.json"], &man)
	if man.EventCount != c.EventCount || man.HeadHash != c.HeadHash {
		t.Errorf("manifest head %d %s, case %d %s", man.EventCount, man.HeadHash, c.EventCount, c.HeadHash)
	}
	if os.Getenv("ARCHIVE_KEEP") != "" { // to look at: ARCHIVE_KEEP=/tmp/x go test -run TestArchiveExportAndVerify
		os.MkdirAll(os.Getenv("ARCHIVE_KEEP"), 0o755)
		os.WriteFile(filepath.Join(os.Getenv("ARCHIVE_KEEP"), filepath.Base(pkg)), mustRead(t, pkg), 0o644)
		os.WriteFile(filepath.Join(os.Getenv("ARCHIVE_KEEP"), "transfer-目录.pdf"), mustRead(t, filepath.Join(out, "目录.pdf")), 0o644)
	}

	// The same cases give the same transfer.
	again := filepath.Join(dir, "again")
	if code, _, _ := run(t, "", "--db", dbPath, "archive", "export", "--year", "2026", "--agency", "default", "--out", again); code != 0 {
		t.Fatal("second export")
	}
	for _, p := range []string{"目录.pdf", "index.csv", full.TrackingNo + ".zip"} {
		if !bytes.Equal(mustRead(t, filepath.Join(out, p)), mustRead(t, filepath.Join(again, p))) {
			t.Errorf("%s differs between two exports", p)
		}
	}
	if code, stdout, _ := run(t, "", "--db", dbPath, "archive", "export", "--year", "2025", "--out", filepath.Join(dir, "empty")); code != 0 || stdout != "exported: 0\n" {
		t.Errorf("empty year: exit %d %q", code, stdout)
	}

	// Offline: the database is gone.
	os.Remove(dbPath)
	if code, stdout, stderr := run(t, "", "archive", "verify", out); code != 0 || stdout != "verified: 2, broken: 0\n" {
		t.Fatalf("verify: exit %d %q %s", code, stdout, stderr)
	}
	if code, stdout, _ := run(t, "", "archive", "verify", pkg); code != 0 || stdout != "verified: 1, broken: 0\n" {
		t.Fatalf("verify one package: exit %d %q", code, stdout)
	}

	// One byte of one file changed (the reply inside the package), another file removed (the
	// withdrawn case's package): both named.
	var reply string
	for _, n := range names {
		if strings.Contains(n, "-reply-") {
			reply = n
		}
	}
	files[reply][len(files[reply])/2] ^= 0x01
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, _ := zw.Create(n)
		w.Write(files[n])
	}
	zw.Close()
	os.WriteFile(pkg, buf.Bytes(), 0o644)
	os.Remove(filepath.Join(out, withdrawn.TrackingNo+".zip"))
	code, stdout, _ = run(t, "", "archive", "verify", out)
	want := regexp.MustCompile(`^BROKEN ` + full.TrackingNo + ` ` + regexp.QuoteMeta(reply) + `: .+\nBROKEN ` + withdrawn.TrackingNo + ` ` +
		withdrawn.TrackingNo + `\.zip: missing.*\nverified: 2, broken: 2\n$`)
	if full.TrackingNo > withdrawn.TrackingNo {
		t.Fatalf("tracking numbers out of order: %s %s", full.TrackingNo, withdrawn.TrackingNo)
	}
	if code != 1 || !want.MatchString(stdout) {
		t.Fatalf("tampered transfer: exit %d\n%s", code, stdout)
	}
	if code, _, _ := run(t, "", "archive", "verify", filepath.Join(dir, "nothing-here")); code != 1 {
		t.Errorf("verify of a missing path: exit %d", code)
	}
	if code, _, _ := run(t, "", "archive", "export", "--out", out); code != 2 {
		t.Errorf("export without --year: exit %d", code)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// docs/api.md "Archive": with several agencies the transfer still holds each package as
// DIR/<tracking_no>.zip beside DIR/目录.pdf and DIR/index.csv; each agency's own list is in
// DIR/<agency code>/ and verifies as well.
func TestArchiveExportSeveralAgencies(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "archive.db")
	full, withdrawn, db := archivedCases(t, dbPath)
	if _, err := db.CreateAgency(context.Background(), "dept2", "清溪区教育局", cases.DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := filepath.Join(dir, "transfer")
	code, stdout, stderr := run(t, "", "--db", dbPath, "archive", "export", "--year", "2026", "--out", out)
	if code != 0 || stdout != "exported: 2\n" {
		t.Fatalf("export: exit %d %q %s", code, stdout, stderr)
	}
	for _, p := range []string{"目录.pdf", "index.csv", full.TrackingNo + ".zip", withdrawn.TrackingNo + ".zip", "default/目录.pdf", "default/index.csv"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Errorf("missing %s", p)
		}
	}
	if idx := string(mustRead(t, filepath.Join(out, "index.csv"))); !strings.Contains(idx, ","+full.TrackingNo+".zip,") {
		t.Errorf("index.csv does not list %s.zip:\n%s", full.TrackingNo, idx)
	}
	for _, p := range []string{out, filepath.Join(out, "default")} {
		if code, stdout, stderr := run(t, "", "archive", "verify", p); code != 0 || stdout != "verified: 2, broken: 0\n" {
			t.Errorf("verify %s: exit %d %q %s", p, code, stdout, stderr)
		}
	}
}
