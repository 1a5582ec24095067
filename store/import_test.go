package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	cases "foidesk/case"
)

func countCases(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.R.Get(&n, `SELECT COUNT(*) FROM cases`); err != nil {
		t.Fatal(err)
	}
	return n
}

// A good CSV file: every row becomes a case with an imported event by the importing user; an
// open row is registered, unassigned, with its deadline computed from received_on; a concluded
// one is replied (decision outcomes) or closed (other.*) with the file's dates and numbers.
func TestImportGoodFile(t *testing.T) {
	forEachEngine(t, at("2025-06-30"), func(t *testing.T, db *DB) {
		admin := staff(t, db, "admin1", "admin")
		res := importFile(t, db, "import_annual_a.csv", admin)
		if res.Cases != 39 || res.Concluded != 37 || res.Open != 2 || len(res.Tracking) != 39 {
			t.Fatalf("result %+v", res)
		}
		open := caseByTracking(t, db, "GK2025000129")
		if open.State != cases.StateRegistered || open.Assignee != "" || open.ReceivedOn.String() != "2025-06-16" || open.ReplyDue.String() != "2025-07-14" || !open.Imported {
			t.Errorf("open: %s %q %s %s %v", open.State, open.Assignee, open.ReceivedOn, open.ReplyDue, open.Imported)
		}
		if len(open.Events) != 1 || open.Events[0].Event != "imported" || open.Events[0].Actor != "admin1" {
			t.Errorf("events %+v", open.Events)
		}
		r := caseByTracking(t, db, "GK2025000101")
		if r.State != cases.StateReplied || r.Outcome != "disclose" || r.ConcludedOn.String() != "2025-01-20" || r.LetterNo != "政公开答〔2025〕1号" || r.Applicant.OrgCategory != "" {
			t.Errorf("replied: %+v", r)
		}
		if len(r.Remedies) != 1 || r.Remedies[0].Kind != "reconsideration" || r.Remedies[0].Result != "upheld" || r.Remedies[0].DecidedOn.String() != "2025-04-10" {
			t.Errorf("remedies %+v", r.Remedies)
		}
		closed := caseByTracking(t, db, "GK2025000120")
		if closed.State != cases.StateClosed || closed.Outcome != "other.fee_lapsed" {
			t.Errorf("closed: %s %s", closed.State, closed.Outcome)
		}
		def := caseByTracking(t, db, "GK2024000124") // remedy dates default to concluded_on
		if len(def.Remedies) != 1 || def.Remedies[0].FiledOn.String() != "2025-01-02" || def.Remedies[0].DecidedOn.String() != "2025-01-02" {
			t.Errorf("default remedy dates %+v", def.Remedies)
		}
		org := caseByTracking(t, db, "GK2025000103")
		if org.Applicant.Kind != "organization" || org.Applicant.OrgCategory != "research" || org.Channel != "post_registered" {
			t.Errorf("org %+v", org.Applicant)
		}
		if n, broken, err := db.AuditVerify(context.Background()); err != nil || n != 39 || len(broken) != 0 {
			t.Errorf("verify %d %v %v", n, broken, err)
		}
		// An imported replied case may be archived without a delivery record.
		clerk := staff(t, db, "clerk1", "clerk")
		if c := mustFire(t, db, r.ID, clerk, "archive", nil); c.State != cases.StateArchived {
			t.Errorf("archive: %s", c.State)
		}
		// Importing the same file again is refused: the numbers are in use.
		data, _ := os.ReadFile("testdata/import_annual_a.csv")
		_, err := db.ImportLedger(context.Background(), "again.csv", data, ImportOptions{Actor: cases.SystemActor})
		if cases.ErrorCode(err) != cases.EINVALID || !strings.Contains(cases.ErrorMessage(err, "zh"), "row 2, column tracking_no: 该申请编号已存在。") {
			t.Errorf("second import: %v", err)
		}
		if countCases(t, db) != 39 {
			t.Errorf("the refused file wrote something")
		}
	})
}

// One bad row refuses the whole file: nothing is written and the error names row and column.
func TestImportBadRow(t *testing.T) {
	forEachEngine(t, at("2026-03-01"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		header := "tracking_no,applicant_kind,org_category,name,id_type,id_number,channel,received_on,description,outcome,concluded_on,letter_no\n"
		good := "GK2026000001,person,,王建国,resident_id,430104198001101004,online,2026-01-06,申请公开预算执行情况。,disclose,2026-01-20,政公开答〔2026〕1号\n"
		bad := "GK2026000002,person,,李秀英,resident_id,430104198002111011,online,2026-01-07,申请公开决算。,,,\n" // wrong check digit
		file := header + good + bad + strings.Replace(good, "GK2026000001", "GK2026000003", 1)
		_, err := db.ImportLedger(ctx, "bad.csv", []byte(file), ImportOptions{})
		if cases.ErrorCode(err) != cases.EINVALID {
			t.Fatalf("err %v", err)
		}
		msg := cases.ErrorMessage(err, "zh")
		if !strings.Contains(msg, "row 3, column id_number: 居民身份证号码校验位不正确") {
			t.Errorf("message %q", msg)
		}
		// the duplicate letter number of row 4 is reported too
		if !strings.Contains(msg, "row 4, column letter_no: 文号与第2行重复。") {
			t.Errorf("message %q", msg)
		}
		if n := countCases(t, db); n != 0 {
			t.Errorf("%d cases written", n)
		}
		var seqs int
		db.R.Get(&seqs, `SELECT COUNT(*) FROM sequences`)
		if seqs != 0 {
			t.Errorf("sequences written")
		}
	})
}

// Every rule of docs/api.md "Ledger import file" names its row and column.
func TestImportValidation(t *testing.T) {
	forEachEngine(t, at("2026-03-01"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		header := "tracking_no,applicant_kind,org_category,name,id_type,id_number,channel,received_on,description,outcome,concluded_on,letter_no"
		row := func(cells ...string) string {
			base := []string{"", "person", "", "王建国", "resident_id", "430104198001101004", "online", "2026-01-06", "申请公开预算。", "disclose", "2026-01-20", ""}
			for i := 0; i+1 < len(cells); i += 2 {
				for j, h := range strings.Split(header, ",") {
					if h == cells[i] {
						base[j] = cells[i+1]
					}
				}
			}
			return strings.Join(base, ",")
		}
		// The checks of every row are tested in package ledgerimport; here, that a refused file
		// writes nothing, whether the problem is in the header or in a row.
		cases_ := []struct {
			name, file, want string
		}{
			{"unknown column", header + ",phone\n" + row() + ",13800138000", "row 1, column phone: 未知的列“phone”"},
			{"duplicate tracking", header + "\n" + row("tracking_no", "X1") + "\n" + row("tracking_no", "X1"), "row 3, column tracking_no: 申请编号与第2行重复。"},
		}
		for _, c := range cases_ {
			_, err := db.ImportLedger(ctx, "f.csv", []byte(c.file), ImportOptions{})
			if cases.ErrorCode(err) != cases.EINVALID || !strings.Contains(cases.ErrorMessage(err, "zh"), c.want) {
				t.Errorf("%s: got %v, want %q", c.name, cases.ErrorMessage(err, "zh"), c.want)
			}
		}
		if n := countCases(t, db); n != 0 {
			t.Errorf("%d cases written", n)
		}
		// A named importing user must be an administrator.
		clerk := staff(t, db, "clerk1", "clerk")
		if _, err := db.ImportLedger(ctx, "f.csv", []byte(header+"\n"+row()), ImportOptions{Actor: clerk}); cases.ErrorCode(err) != cases.EFORBIDDEN {
			t.Errorf("clerk import: %v", err)
		}
		// Without a user, the actor is the built-in system account; a BOM is allowed.
		res, err := db.ImportLedger(ctx, "f.csv", []byte("\uFEFF"+header+"\n"+row()), ImportOptions{})
		if err != nil || res.Cases != 1 {
			t.Fatalf("system import: %v %+v", err, res)
		}
		c := caseByTracking(t, db, res.Tracking[0])
		if c.Events[0].Actor != "system" || c.TrackingNo != "GK2026000001" {
			t.Errorf("actor %s, tracking %s", c.Events[0].Actor, c.TrackingNo)
		}
	})
}

// csvToXLSX writes the rows of a CSV file into an XLSX sheet, with the date columns as real
// date cells (Excel serial numbers), as an office's spreadsheet holds them.
func csvToXLSX(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	for i, rec := range recs {
		for j, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if i > 0 && strings.HasSuffix(recs[0][j], "_on") && v != "" {
				d, _ := time.Parse("2006-01-02", v)
				f.SetCellValue("Sheet1", cell, d)
				f.SetCellStyle("Sheet1", cell, cell, style)
				continue
			}
			f.SetCellStr("Sheet1", cell, v)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An XLSX file imports exactly as the same CSV file does (date cells included).
func TestImportXLSX(t *testing.T) {
	forEachEngine(t, at("2025-06-30"), func(t *testing.T, db *DB) {
		ctx := context.Background()
		data := csvToXLSX(t, filepath.Join("testdata", "import_annual_a.csv"))
		res, err := db.ImportLedger(ctx, "ledger.xlsx", data, ImportOptions{})
		if err != nil || res.Cases != 39 {
			t.Fatalf("%v %+v", err, res)
		}
		c := caseByTracking(t, db, "GK2025000103")
		if c.ReceivedOn.String() != "2025-01-08" || c.ConcludedOn.String() != "2025-02-05" || c.Outcome != "withhold.state_secret" ||
			len(c.Remedies) != 1 || c.Remedies[0].DecidedOn.String() != "2025-05-15" {
			t.Errorf("%s %s %s %+v", c.ReceivedOn, c.ConcludedOn, c.Outcome, c.Remedies)
		}
		// and a bad row in an XLSX file is named the same way
		f := excelize.NewFile()
		for j, v := range strings.Split("tracking_no,applicant_kind,org_category,name,id_type,id_number,channel,received_on,description,outcome,concluded_on,letter_no", ",") {
			cell, _ := excelize.CoordinatesToCellName(j+1, 1)
			f.SetCellStr("Sheet1", cell, v)
		}
		for j, v := range []string{"", "person", "", "张三", "resident_id", "430104198002111011", "email", "2025-06-01", "申请公开某文件。", "", "", ""} {
			cell, _ := excelize.CoordinatesToCellName(j+1, 3)
			f.SetCellStr("Sheet1", cell, v)
		}
		buf, _ := f.WriteToBuffer()
		_, err = db.ImportLedger(ctx, "bad.xlsx", buf.Bytes(), ImportOptions{})
		if !strings.Contains(cases.ErrorMessage(err, "zh"), "row 3, column id_number: 居民身份证号码校验位不正确") {
			t.Errorf("xlsx bad row: %v", cases.ErrorMessage(err, "zh"))
		}
	})
}
