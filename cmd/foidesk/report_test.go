package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The import, report and ledger commands on one database (docs/api.md "CLI").
func TestImportReportLedgerCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	file := filepath.Join("..", "..", "store", "testdata", "import_annual_a.csv")

	// a bad file: nothing written, the problem named by row and column on stderr, exit 1
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("tracking_no,applicant_kind,org_category,name,id_type,id_number,channel,received_on,description,outcome,concluded_on,letter_no\n"+
		"X1,person,,张三,resident_id,430104198001101004,online,2025-01-05,申请公开某文件。,,,\n"+
		"X2,person,,李四,resident_id,430104198002111011,online,2025-01-06,申请公开某文件。,,,\n"), 0o644)
	code, out, errOut := run(t, "", "--db", db, "import", bad)
	if code != 1 || out != "" || !strings.Contains(errOut, "row 3, column id_number: 居民身份证号码校验位不正确") {
		t.Fatalf("bad import: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = run(t, "", "--db", db, "import", file)
	if code != 0 || out != "imported: 39 (open: 2, concluded: 37, remedies: 6)\n" {
		t.Fatalf("import: exit %d, %q, %s", code, out, errOut)
	}

	code, out, _ = run(t, "", "--db", db, "report", "annual", "--year", "2025", "--format", "csv")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 0 || len(lines) != 30 || lines[0] != "一、本年新收政府信息公开申请数量,5,14,5,3,3,3,33" || lines[2] != "三、本年度办理结果" {
		t.Errorf("annual csv: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "", "--db", db, "report", "annual", "--year", "2025", "--format", "json")
	var rep struct {
		Year   int                       `json:"year"`
		Table3 map[string]map[string]int `json:"table3"`
		Table4 map[string]map[string]int `json:"table4"`
		Fees   map[string]int            `json:"fees"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Year != 2025 || len(rep.Table3) != 25 || len(rep.Table4) != 3 || len(rep.Fees) != 3 {
		t.Errorf("annual json: exit %d %+v", code, rep)
	}
	if code, _, errOut := run(t, "", "--db", db, "report", "annual", "--format", "csv"); code != 2 || !strings.Contains(errOut, "--year") {
		t.Errorf("no year: exit %d %s", code, errOut)
	}
	code, out, _ = run(t, "", "--db", db, "report", "monthly", "--year", "2025", "--month", "6", "--format", "csv")
	if code != 0 || !strings.Contains(out, "本月收到申请数,11\n") {
		t.Errorf("monthly csv: exit %d\n%s", code, out)
	}

	code, out, _ = run(t, "", "--db", db, "ledger", "export", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "\uFEFF序号,") || strings.Count(out, "\r\n") != 34 || !strings.Contains(out, "4301**********1004") {
		t.Errorf("ledger csv: exit %d, %d lines", code, strings.Count(out, "\r\n"))
	}
	xlsx := filepath.Join(dir, "l.xlsx")
	if code, _, errOut := run(t, "", "--db", db, "ledger", "export", "--from", "2025-01-01", "--to", "2025-12-31", "--by", "concluded", "--format", "xlsx", "--out", xlsx); code != 0 {
		t.Fatalf("ledger xlsx: %s", errOut)
	}
	body, _ := os.ReadFile(xlsx)
	if f, err := excelize.OpenReader(bytes.NewReader(body)); err != nil {
		t.Errorf("xlsx: %v", err)
	} else if rows, _ := f.GetRows("台账"); len(rows) != 36 { // concluded in 2025: 35
		t.Errorf("xlsx rows %d", len(rows))
	}
	if code, _, errOut := run(t, "", "--db", db, "ledger", "export", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv", "--full"); code != 2 {
		t.Errorf("--full without --user: exit %d %s", code, errOut)
	}
	code, out, _ = run(t, "", "--db", db, "ledger", "audit", "--year", "2025", "--month", "6")
	if code != 0 || out != "findings: 0\n" {
		t.Errorf("audit: exit %d %q", code, out)
	}

	needFont(t)
	pdf := filepath.Join(dir, "l.pdf")
	if code, _, errOut := run(t, "", "--db", db, "ledger", "export", "--from", "2025-01-01", "--to", "2025-12-31", "--format", "pdf", "--out", pdf); code != 0 {
		t.Fatalf("ledger pdf: %s", errOut)
	}
	if b, _ := os.ReadFile(pdf); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("ledger pdf")
	}
	code, out, _ = run(t, "", "--db", db, "report", "annual", "--year", "2025", "--format", "pdf")
	if code != 0 || !strings.HasPrefix(out, "%PDF-") {
		t.Errorf("annual pdf: exit %d", code)
	}
	// a supervisor signs June 2025 off
	if code, _, errOut := run(t, "Correct horse battery 1\n", "--db", db, "user", "add", "sup1", "--role", "supervisor"); code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	code, out, errOut = run(t, "", "--db", db, "ledger", "signoff", "--year", "2025", "--month", "6", "--user", "sup1", "--acknowledge", "0")
	if code != 0 || !strings.HasPrefix(out, "signed: default 2025-06 sha256=") {
		t.Errorf("signoff: exit %d %q %s", code, out, errOut)
	}
	if code, _, errOut := run(t, "", "--db", db, "ledger", "signoff", "--year", "2025", "--month", "6", "--user", "sup1", "--acknowledge", "0"); code != 1 || !strings.Contains(errOut, "已经签核") {
		t.Errorf("second signoff: exit %d %s", code, errOut)
	}
}
