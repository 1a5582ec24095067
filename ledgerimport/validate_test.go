package ledgerimport

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	cases "foidesk/case"
)

// fakeLookup is the database as the tests need it: the numbers in use and the signed months.
type fakeLookup struct {
	tracking, letters map[string]bool
	signed            string // "2026-01"
}

func (l fakeLookup) TrackingInUse(no string) (bool, error) { return l.tracking[no], nil }
func (l fakeLookup) LetterNoInUse(no string) (bool, error) { return l.letters[no], nil }
func (l fakeLookup) Signed(d cases.Date) error {
	if l.signed != "" && d.String()[:7] == l.signed {
		return cases.E(cases.ECONFLICT, "2026年1月的台账已签核，该月的记录不能再更改。", "signed")
	}
	return nil
}

var agency = cases.Agency{ID: 1, Code: "default", Settings: cases.DefaultSettings()}

// check reads and validates a CSV file as of 2026-03-01 and returns the refusal's message.
func check(t *testing.T, file string, l Lookup) ([]Row, string) {
	t.Helper()
	header, records, err := ReadFile("f.csv", []byte(file))
	if err != nil {
		return nil, cases.ErrorMessage(err, "zh")
	}
	rows, ps, err := Validate(agency, header, records, cases.MustDate("2026-03-01"), l)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) > 0 {
		err := Error(ps)
		if cases.ErrorCode(err) != cases.EINVALID {
			t.Errorf("code %s", cases.ErrorCode(err))
		}
		return nil, cases.ErrorMessage(err, "zh")
	}
	return rows, ""
}

const header = "tracking_no,applicant_kind,org_category,name,id_type,id_number,channel,received_on,description,outcome,concluded_on,letter_no"

func row(cells ...string) string {
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

// Every problem of an import file is named by its row and column (docs/api.md "Ledger import file").
func TestValidateImportRows(t *testing.T) {
	l := fakeLookup{tracking: map[string]bool{"GK2025000009": true}, letters: map[string]bool{"政公开答〔2025〕9号": true}, signed: "2026-01"}
	free := fakeLookup{}
	for _, c := range []struct {
		name, file, want string
	}{
		{"unknown column", header + ",phone\n" + row() + ",13800138000", "row 1, column phone: 未知的列“phone”"},
		{"missing column", strings.Replace(header, ",letter_no", "", 1) + "\n" + row(), "row 1, column letter_no: 缺少必需的列。"},
		{"kind", header + "\n" + row("applicant_kind", "company"), "row 2, column applicant_kind: 申请人类型“company”不正确"},
		{"org category", header + "\n" + row("applicant_kind", "organization", "id_type", "credit_code", "id_number", "91430100MA4L100007"), "row 2, column org_category: 法人或其他组织须填写组织类别"},
		{"credit for person", header + "\n" + row("id_type", "credit_code", "id_number", "91430100MA4L100007"), "row 2, column id_type:"},
		{"credit check", header + "\n" + row("applicant_kind", "organization", "org_category", "business", "id_type", "credit_code", "id_number", "91430100MA4L100008"), "row 2, column id_number: 统一社会信用代码校验位不正确"},
		{"passport", header + "\n" + row("id_type", "passport", "id_number", "E1"), "row 2, column id_number: 护照号码"},
		{"channel", header + "\n" + row("channel", "wechat"), "row 2, column channel:"},
		{"future", header + "\n" + row("received_on", "2026-03-02", "outcome", "", "concluded_on", ""), "row 2, column received_on: 日期2026-03-02晚于今天。"},
		{"bad date", header + "\n" + row("received_on", "2026-02-30"), "row 2, column received_on: 日期“2026-02-30”格式不正确"},
		{"order", header + "\n" + row("concluded_on", "2026-01-05"), "row 2, column concluded_on: 办结日期不能早于收到申请日期。"},
		{"outcome", header + "\n" + row("outcome", "granted"), "row 2, column outcome: 办理结果“granted”"},
		{"open with date", header + "\n" + row("outcome", ""), "row 2, column concluded_on: 未填写办理结果"},
		{"no conclusion", header + "\n" + row("concluded_on", ""), "row 2, column concluded_on: 已办结的申请须填写办结日期。"},
		{"description", header + "\n" + row("description", ""), "row 2, column description: 请填写申请内容。"},
		{"duplicate tracking", header + "\n" + row("tracking_no", "X1") + "\n" + row("tracking_no", "X1"), "row 3, column tracking_no: 申请编号与第2行重复。"},
		{"remedy kind", header + ",remedy_kind\n" + row() + ",appeal", "row 2, column remedy_kind: 救济类型“appeal”"},
		{"remedy pending decided", header + ",remedy_kind,remedy_result,remedy_decided_on\n" + row() + ",reconsideration,pending,2026-02-01", "row 2, column remedy_decided_on: 尚未审结的救济不应填写审结日期。"},
		{"remedy on open", header + ",remedy_kind\n" + row("outcome", "", "concluded_on", "") + ",reconsideration", "row 2, column remedy_kind: 尚未办结的申请不能登记"},
		{"extra cells", header + "\n" + row() + ",x", "row 2: 该行的列数多于表头。"},
		{"empty", header + "\n", "导入文件中没有数据行。"},
		{"duplicate column", "outcome," + header + "\ndisclose," + row(), "row 1, column outcome: 该列重复出现。"},
		{"tracking number in use", header + "\n" + row("tracking_no", "GK2025000009"), "row 2, column tracking_no: 该申请编号已存在。"},
		{"letter number in use", header + "\n" + row("letter_no", "政公开答〔2025〕9号"), "row 2, column letter_no: 该文号已被使用。"},
		{"letter number of an open row", header + "\n" + row("outcome", "", "concluded_on", "", "letter_no", "政公开答〔2025〕10号"), "row 2, column letter_no: 尚未办结的申请不应填写答复文号。"},
		{"received in a signed-off month", header + "\n" + row("received_on", "2026-01-06", "concluded_on", "2026-02-02"), "row 2, column received_on: 2026年1月的台账已签核"},
		{"concluded in a signed-off month", header + "\n" + row("received_on", "2025-12-01", "concluded_on", "2026-01-20"), "row 2, column concluded_on: 2026年1月的台账已签核"},
		{"not UTF-8", "\xb2\xe2\xca\xd4", "导入文件不是UTF-8编码的CSV文件"},
		{"malformed CSV", header + "\n\"unterminated", "CSV格式错误"},
		// Art. 29 (docs/rules.md §1): the 外国人永久居留身份证 — persons only, its check digit checked.
		{"foreign_pr for an organisation", header + "\n" + row("applicant_kind", "organization", "org_category", "business", "id_type", "foreign_pr", "id_number", "931840198502140016"), "row 2, column id_type: 外国人永久居留身份证仅适用于自然人"},
		{"foreign_pr check digit", header + "\n" + row("id_type", "foreign_pr", "id_number", "931840198502140011"), "row 2, column id_number: 外国人永久居留身份证号码校验位不正确"},
	} {
		lookup := Lookup(free)
		if strings.HasPrefix(c.name, "tracking number in use") || strings.HasPrefix(c.name, "letter number in use") || strings.Contains(c.name, "signed-off") {
			lookup = l
		}
		if _, got := check(t, c.file, lookup); !strings.Contains(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// A good row: the values as the store will write them, the tracking number of the agency's own
// series read for its reservation, the remedy's dates defaulting to the conclusion.
func TestValidateImportGoodRow(t *testing.T) {
	rows, msg := check(t, "\uFEFF"+header+",remedy_kind\n"+row("tracking_no", "GK2025000042", "name", " 王  建国 ", "id_type", "RESIDENT_ID", "received_on", "2025/12/1", "concluded_on", "2025年12月20日", "letter_no", "政公开答〔2025〕7号")+",reconsideration\n"+strings.Repeat(",", 12)+"\n", fakeLookup{})
	if msg != "" || len(rows) != 1 {
		t.Fatalf("%s %d rows", msg, len(rows))
	}
	r := rows[0]
	if r.Line != 2 || r.Tracking != "GK2025000042" || r.TrackingYear != 2025 || r.TrackingSerial != 42 || r.Applicant.Name != "王 建国" || r.Applicant.IDType != cases.IDResident ||
		r.Received != cases.MustDate("2025-12-01") || r.Concluded != cases.MustDate("2025-12-20") || r.Outcome != "disclose" || r.LetterNo != "政公开答〔2025〕7号" {
		t.Errorf("row %+v", r)
	}
	if r.Remedy == nil || r.Remedy.Kind != "reconsideration" || r.Remedy.Result != cases.RemedyPending || r.Remedy.FiledOn != r.Concluded {
		t.Errorf("remedy %+v", r.Remedy)
	}
}

// An XLSX file's date cells (Excel serial numbers) read as dates.
func TestReadXLSX(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellStr("Sheet1", "A1", "Received_On")
	f.SetCellStr("Sheet1", "B1", "name")
	f.SetCellValue("Sheet1", "A2", 46028) // 2026-01-06
	f.SetCellStr("Sheet1", "B2", " 王建国 ")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	header, rows, err := ReadFile("ledger", buf.Bytes()) // no extension: the content decides
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(header, ",") != "received_on,name" || len(rows) != 1 || rows[0][0] != "2026-01-06" || rows[0][1] != "王建国" {
		t.Errorf("header %v rows %v", header, rows)
	}
}
