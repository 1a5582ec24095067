package ledgerimport

import (
	"testing"

	cases "foidesk/case"
)

type noLookup struct{}

func (noLookup) TrackingInUse(string) (bool, error) { return false, nil }
func (noLookup) LetterNoInUse(string) (bool, error) { return false, nil }
func (noLookup) Signed(cases.Date) error            { return nil }

// FuzzImport: the ledger import reads and validates any file without panicking, and what it
// accepts has every required column and a valid receipt date (docs/api.md "Ledger import file").
// Seeds in testdata/fuzz/FuzzImport.
func FuzzImport(f *testing.F) {
	head := "tracking_no,applicant_kind,org_category,name,id_type,id_number,channel,received_on,description,outcome,concluded_on,letter_no\n"
	f.Add("a.csv", []byte(head+"GK2025000001,person,,张三,resident_id,11010519491231002X,in_person,2025-03-03,请公开2024年预算,disclose,2025-03-20,望政公开〔2025〕1号\n"))
	f.Add("a.csv", []byte("\xEF\xBB\xBF"+head+"\"x,\"\"y\",,,,,,,,,,,\n"))
	f.Add("a.csv", []byte(head+"=cmd|' /C calc'!A0,person,,@SUM(1),resident_id,1,online,1900-01-01,\x00,,,\n"))
	f.Add("a.xlsx", []byte("PK\x03\x04garbage"))
	f.Add("a.csv", []byte(""))
	agency := cases.Agency{ID: 1, Code: "default", Name: "政府信息公开办公室", Settings: cases.DefaultSettings()}
	today := cases.MustDate("2026-11-03")
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		header, rows, err := ReadFile(name, data)
		if err != nil {
			return
		}
		out, problems, err := Validate(agency, header, rows, today, noLookup{})
		if err != nil {
			t.Fatalf("lookup error from a lookup that never fails: %v", err)
		}
		if len(problems) > 0 {
			return
		}
		for _, r := range out {
			if r.Received.IsZero() || r.Received.After(today) {
				t.Fatalf("accepted row with receipt date %v", r.Received)
			}
		}
	})
}
