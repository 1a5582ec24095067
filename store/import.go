package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/xuri/excelize/v2"

	cases "foidesk/case"
	"foidesk/workflow"
)

// The ledger import (docs/api.md "Ledger import file") moves an office's spreadsheet ledger into
// foidesk: every row becomes an ordinary case with an `imported` event. The whole file is
// validated first, in the transaction that writes it, and nothing is written when any row is
// wrong; every problem names its row (the spreadsheet's row number, the header being row 1) and
// its column.

// Import columns: the required ones, then the optional remedy columns.
var (
	importRequired = []string{"tracking_no", "applicant_kind", "org_category", "name", "id_type", "id_number", "channel",
		"received_on", "description", "outcome", "concluded_on", "letter_no"}
	importOptional = []string{"remedy_kind", "remedy_result", "remedy_filed_on", "remedy_decided_on"}
)

// ImportColumns lists every column an import file may have, required first.
func ImportColumns() []string { return append(slices.Clone(importRequired), importOptional...) }

// ImportOptions says who imports into which agency.
type ImportOptions struct {
	Actor  cases.Actor // the importing user, or cases.SystemActor
	Agency string      // agency code; "" for the first agency
}

// ImportResult sums up a successful import.
type ImportResult struct {
	Cases     int      `json:"cases"`
	Open      int      `json:"open"`
	Concluded int      `json:"concluded"`
	Remedies  int      `json:"remedies"`
	Tracking  []string `json:"tracking_nos"`
}

// ImportProblem is one error of an import file.
type ImportProblem struct {
	Row       int    // spreadsheet row number; the header is row 1
	Column    string // the column's name in the file
	Message   string
	MessageEN string
}

// String is "row 3, column id_number: message".
func (p ImportProblem) String() string { return p.where() + p.Message }

func (p ImportProblem) where() string {
	if p.Column == "" {
		return fmt.Sprintf("row %d: ", p.Row)
	}
	return fmt.Sprintf("row %d, column %s: ", p.Row, p.Column)
}

// maxImportProblems bounds the problems reported for one file.
const maxImportProblems = 200

// importError builds the EINVALID error of a refused file: the message lists every problem, one
// per line ("row 3, column id_number: …"); Fields maps "row 3, column id_number" to its message.
func importError(ps []ImportProblem) error {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Row < ps[j].Row })
	zh := []string{fmt.Sprintf("导入文件有%d处错误，未导入任何记录：", len(ps))}
	en := []string{fmt.Sprintf("the file has %d error(s); nothing was imported:", len(ps))}
	e := &cases.Error{Code: cases.EINVALID, Fields: map[string]string{}, FieldsEN: map[string]string{}}
	for _, p := range ps {
		zh = append(zh, p.where()+p.Message)
		en = append(en, p.where()+p.MessageEN)
		k := strings.TrimSuffix(p.where(), ": ")
		e.Fields[k], e.FieldsEN[k] = p.Message, p.MessageEN
	}
	e.Message, e.MessageEN = strings.Join(zh, "\n"), strings.Join(en, "\n")
	return e
}

// ImportProblems returns the problems listed by an import error, one line each.
func ImportProblems(err error) []string {
	e, ok := err.(*cases.Error)
	if !ok || e.Code != cases.EINVALID {
		return nil
	}
	lines := strings.Split(e.Message, "\n")
	if len(lines) < 2 {
		return nil
	}
	return lines[1:]
}

// ReadImportFile reads the header and rows of a CSV (UTF-8, BOM allowed) or XLSX file (its first
// sheet); name's extension chooses, else the content (an XLSX is a ZIP archive). Cells are
// trimmed; XLSX date cells become YYYY-MM-DD.
func ReadImportFile(name string, data []byte) (header []string, rows [][]string, err error) {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == ".xlsx" || (ext != ".csv" && bytes.HasPrefix(data, []byte("PK\x03\x04"))) {
		return readXLSX(data)
	}
	return readCSV(data)
}

func readCSV(data []byte) ([]string, [][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		return nil, nil, cases.Errorf(cases.EINVALID, "导入文件不是UTF-8编码的CSV文件，请另存为“CSV UTF-8”格式。", "the file is not UTF-8 CSV; save it as CSV UTF-8")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var all [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			if pe, ok := err.(*csv.ParseError); ok {
				line = pe.Line
			}
			return nil, nil, cases.Errorf(cases.EINVALID, "row %d: CSV格式错误（%v）。", "row %d: malformed CSV (%v)", line, err)
		}
		all = append(all, rec)
	}
	return split(all)
}

func readXLSX(data []byte) ([]string, [][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, cases.Errorf(cases.EINVALID, "无法读取XLSX文件（%v）。", "cannot read the XLSX file (%v)", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, cases.Errorf(cases.EINVALID, "XLSX文件中没有工作表。", "the XLSX file has no sheet")
	}
	all, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, cases.Errorf(cases.EINVALID, "无法读取XLSX文件（%v）。", "cannot read the XLSX file (%v)", err)
	}
	header, rows, err := split(all)
	if err != nil {
		return nil, nil, err
	}
	// Date cells hold Excel serial numbers: write them as dates.
	for i, h := range header {
		if !strings.HasSuffix(h, "_on") {
			continue
		}
		for _, row := range rows {
			if i < len(row) && reSerial.MatchString(row[i]) {
				v, _ := strconv.ParseFloat(row[i], 64)
				if t, err := excelize.ExcelDateToTime(v, false); err == nil && v >= 1 {
					row[i] = t.Format("2006-01-02")
				}
			}
		}
	}
	return header, rows, nil
}

var reSerial = regexp.MustCompile(`^\d{1,6}(\.\d+)?$`)

// split trims every cell and separates the header.
func split(all [][]string) ([]string, [][]string, error) {
	if len(all) == 0 {
		return nil, nil, cases.Errorf(cases.EINVALID, "导入文件是空的。", "the file is empty")
	}
	for _, rec := range all {
		for j := range rec {
			rec[j] = strings.TrimFunc(strings.TrimPrefix(rec[j], "\uFEFF"), unicode.IsSpace)
		}
	}
	header := make([]string, len(all[0]))
	for i, h := range all[0] {
		header[i] = strings.ToLower(h)
	}
	return header, all[1:], nil
}

// importRow is a validated row.
type importRow struct {
	line          int
	tracking      string
	app           cases.Applicant
	channel       string
	received      cases.Date
	description   string
	outcome       string
	concluded     cases.Date
	letterNo      string
	remedy        *cases.Remedy
	trackingYear  int
	trackingSerie int
}

// ImportLedger imports a ledger file (CSV or XLSX, see ReadImportFile) into an agency, all or
// nothing: EINVALID listing every problem by row and column; EFORBIDDEN when a named importing
// user is not an administrator of that agency.
func (db *DB) ImportLedger(ctx context.Context, name string, data []byte, opts ImportOptions) (ImportResult, error) {
	var res ImportResult
	actor := opts.Actor
	if actor.Name == "" {
		actor = cases.SystemActor
	}
	if actor.Kind == cases.ActorStaff && !actor.Has(cases.RoleAdmin) {
		return res, cases.Errorf(cases.EFORBIDDEN, "只有管理员可以导入台账。", "only an administrator imports a ledger")
	}
	agency, err := db.AgencyByCode(ctx, opts.Agency)
	if err != nil {
		return res, err
	}
	if !actor.MayActFor(agency.ID) {
		return res, cases.Errorf(cases.EFORBIDDEN, "您不能向该机关导入台账。", "you may not import into this agency")
	}
	header, records, err := ReadImportFile(name, data)
	if err != nil {
		return res, err
	}
	err = db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		rows, problems, err := db.validateImport(ctx, tx, agency, header, records, Today(agency, now))
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			return importError(problems)
		}
		return db.writeImport(ctx, tx, agency, actor, filepath.Base(name), rows, now, &res)
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

type problems struct {
	list []ImportProblem
}

func (p *problems) add(row int, col, zh, en string) {
	if len(p.list) < maxImportProblems {
		p.list = append(p.list, ImportProblem{Row: row, Column: col, Message: zh, MessageEN: en})
	}
}

func (p *problems) addErr(row int, col string, err error) {
	if e, ok := err.(*cases.Error); ok {
		p.add(row, col, e.Message, e.MessageEN)
		return
	}
	p.add(row, col, "内容不正确。", "The value is not valid.")
}

var importDateLayouts = []string{"2006-01-02", "2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日"}

func parseImportDate(s string) (cases.Date, bool) {
	for _, l := range importDateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return cases.NewDate(t.Year(), t.Month(), t.Day()), true
		}
	}
	return cases.Date{}, false
}

var reTrackingChars = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)
var reLetterNo = regexp.MustCompile(`^(.*)〔(\d{4})〕(\d+)号$`)

// validateImport checks the header and every row; it reads the database through tx (numbers in
// use, signed months).
func (db *DB) validateImport(ctx context.Context, tx *sqlx.Tx, agency cases.Agency, header []string, records [][]string, today cases.Date) ([]importRow, []ImportProblem, error) {
	var ps problems
	col := map[string]int{}
	known := ImportColumns()
	for i, h := range header {
		switch {
		case h == "":
			ps.add(1, fmt.Sprintf("#%d", i+1), "表头有空的列名。", "A column has no name.")
		case !slices.Contains(known, h):
			ps.add(1, h, fmt.Sprintf("未知的列“%s”（可用的列：%s）。", h, strings.Join(known, ", ")), fmt.Sprintf("Unknown column %q (columns: %s).", h, strings.Join(known, ", ")))
		default:
			if _, dup := col[h]; dup {
				ps.add(1, h, "该列重复出现。", "The column appears twice.")
			}
			col[h] = i
		}
	}
	for _, h := range importRequired {
		if _, ok := col[h]; !ok {
			ps.add(1, h, "缺少必需的列。", "A required column is missing.")
		}
	}
	if len(ps.list) > 0 {
		return nil, ps.list, nil
	}
	get := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return rec[i]
	}
	signed, err := signedMonths(ctx, tx, agency.ID)
	if err != nil {
		return nil, nil, err
	}
	prefix := regexp.MustCompile(`^` + regexp.QuoteMeta(agency.Settings.TrackingPrefix) + `(\d{4})(\d{6})$`)
	seenTracking, seenLetter := map[string]int{}, map[string]int{}
	var rows []importRow
	for i, rec := range records {
		line := i + 2
		empty := true
		for _, v := range rec {
			if v != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		if len(rec) > len(header) {
			extra := false
			for _, v := range rec[len(header):] {
				extra = extra || v != ""
			}
			if extra {
				ps.add(line, "", "该行的列数多于表头。", "The row has more cells than the header.")
				continue
			}
		}
		r := importRow{line: line}
		// tracking_no: kept when given (and reserved), else assigned.
		r.tracking = get(rec, "tracking_no")
		if r.tracking != "" {
			if !reTrackingChars.MatchString(r.tracking) {
				ps.add(line, "tracking_no", "申请编号只能由字母、数字、下划线和连字符组成，最长40位。", "A tracking number is at most 40 letters, digits, _ or -.")
			} else if prev, dup := seenTracking[r.tracking]; dup {
				ps.add(line, "tracking_no", fmt.Sprintf("申请编号与第%d行重复。", prev), fmt.Sprintf("The tracking number repeats row %d.", prev))
			} else {
				seenTracking[r.tracking] = line
				var n int
				if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM cases WHERE tracking_no = ?`), r.tracking); err != nil {
					return nil, nil, err
				}
				if n > 0 {
					ps.add(line, "tracking_no", "该申请编号已存在。", "The tracking number is already in use.")
				}
				if m := prefix.FindStringSubmatch(r.tracking); m != nil {
					r.trackingYear, _ = strconv.Atoi(m[1])
					r.trackingSerie, _ = strconv.Atoi(m[2])
				}
			}
		}
		// applicant
		kind := strings.ToLower(get(rec, "applicant_kind"))
		switch {
		case kind == "":
			ps.add(line, "applicant_kind", "请填写申请人类型（person 或 organization）。", "Enter the applicant kind (person or organization).")
		case !cases.ApplicantKinds.Has(kind):
			ps.add(line, "applicant_kind", fmt.Sprintf("申请人类型“%s”不正确，应为 person 或 organization。", kind), fmt.Sprintf("Applicant kind %q is not person or organization.", kind))
			kind = ""
		}
		org := strings.ToLower(get(rec, "org_category"))
		switch {
		case kind == cases.KindOrganization && org == "":
			ps.add(line, "org_category", "法人或其他组织须填写组织类别（business、research、public_interest、legal_service、other）。", "An organisation needs its category (business, research, public_interest, legal_service, other).")
		case org != "" && !cases.OrgCategories.Has(org):
			ps.add(line, "org_category", fmt.Sprintf("组织类别“%s”不正确，应为 business、research、public_interest、legal_service 或 other。", org), fmt.Sprintf("Organisation category %q is not one of business, research, public_interest, legal_service, other.", org))
		case kind == cases.KindPerson && org != "":
			ps.add(line, "org_category", "自然人不填写组织类别。", "A person has no organisation category.")
		}
		name := strings.Join(strings.Fields(get(rec, "name")), " ")
		switch {
		case name == "":
			ps.add(line, "name", "请填写申请人姓名或名称。", "Enter the applicant's name.")
		case utf8.RuneCountInString(name) > 100 || hasControl(name):
			ps.add(line, "name", "申请人姓名或名称不能超过100个字符，且不能含控制字符。", "The name is at most 100 characters without control characters.")
		}
		// dates first: the identity number's birth date is checked against the receipt day.
		received, recOK := r.date(&ps, line, "received_on", get(rec, "received_on"), today, true)
		idType := strings.ToLower(get(rec, "id_type"))
		idNumber := cases.NormalizeIDNumber(idType, get(rec, "id_number"))
		switch {
		case idType == "":
			ps.add(line, "id_type", "请填写证件类型。", "Enter the identity document type.")
		case !cases.IDTypes.Has(idType):
			ps.add(line, "id_type", fmt.Sprintf("证件类型“%s”不正确，应为 resident_id、passport、hk_macau_permit、taiwan_permit、credit_code、foreign_pr 或 other。", idType), fmt.Sprintf("Identity document type %q is unknown.", idType))
		case idType == cases.IDCredit && kind == cases.KindPerson, (idType == cases.IDResident || idType == cases.IDForeignPR) && kind == cases.KindOrganization:
			ps.addErr(line, "id_type", cases.ValidateIDNumber(kind, idType, idNumber, today))
		default:
			birthLimit := today
			if recOK {
				birthLimit = received
			}
			if err := cases.ValidateIDNumber(kind, idType, idNumber, birthLimit); err != nil {
				ps.addErr(line, "id_number", err)
			}
		}
		channel := strings.ToLower(get(rec, "channel"))
		switch {
		case channel == "":
			ps.add(line, "channel", "请填写申请渠道。", "Enter the channel.")
		case !cases.Channels.Has(channel):
			ps.add(line, "channel", fmt.Sprintf("申请渠道“%s”不正确，应为 online、in_person、post_registered、post_ordinary、fax、email 或 oral。", channel), fmt.Sprintf("Channel %q is unknown.", channel))
		}
		desc := strings.TrimSpace(strings.ReplaceAll(get(rec, "description"), "\r\n", "\n"))
		switch {
		case desc == "":
			ps.add(line, "description", "请填写申请内容。", "Enter the description of the request.")
		case utf8.RuneCountInString(desc) > 2000:
			ps.add(line, "description", "申请内容不能超过2000个字符。", "The description is at most 2000 characters.")
		}
		outcome := strings.ToLower(get(rec, "outcome"))
		concludedText := get(rec, "concluded_on")
		var concluded cases.Date
		switch {
		case outcome != "":
			if _, ok := cases.FindOutcome(outcome); !ok {
				ps.add(line, "outcome", fmt.Sprintf("办理结果“%s”不是规定的结果代码（如 disclose、partial、withhold.state_secret）。", outcome), fmt.Sprintf("Outcome %q is not an outcome code (e.g. disclose, partial, withhold.state_secret).", outcome))
			}
			if concludedText == "" {
				ps.add(line, "concluded_on", "已办结的申请须填写办结日期。", "A concluded application needs its conclusion date.")
			} else if d, ok := r.date(&ps, line, "concluded_on", concludedText, today, false); ok {
				concluded = d
				if recOK && d.Before(received) {
					ps.add(line, "concluded_on", "办结日期不能早于收到申请日期。", "The conclusion date cannot be before the date of receipt.")
				}
			}
		case concludedText != "":
			ps.add(line, "concluded_on", "未填写办理结果的申请尚未办结，不应填写办结日期。", "An application without an outcome is open and has no conclusion date.")
		}
		letterNo := get(rec, "letter_no")
		if letterNo != "" {
			switch {
			case outcome == "":
				ps.add(line, "letter_no", "尚未办结的申请不应填写答复文号。", "An open application has no reply letter number.")
			case utf8.RuneCountInString(letterNo) > 50 || hasControl(letterNo):
				ps.add(line, "letter_no", "文号不能超过50个字符。", "A letter number is at most 50 characters.")
			default:
				if prev, dup := seenLetter[letterNo]; dup {
					ps.add(line, "letter_no", fmt.Sprintf("文号与第%d行重复。", prev), fmt.Sprintf("The letter number repeats row %d.", prev))
				} else {
					seenLetter[letterNo] = line
					var n int
					if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT (SELECT COUNT(*) FROM cases WHERE letter_no = ? AND agency_id = ?)
						+ (SELECT COUNT(*) FROM documents d JOIN cases c ON c.id = d.case_id WHERE d.number = ? AND c.agency_id = ?)`), letterNo, agency.ID, letterNo, agency.ID); err != nil {
						return nil, nil, err
					}
					if n > 0 {
						ps.add(line, "letter_no", "该文号已被使用。", "The letter number is already in use.")
					}
				}
			}
		}
		// remedy (table 四)
		rk, rr, rf, rd := strings.ToLower(get(rec, "remedy_kind")), strings.ToLower(get(rec, "remedy_result")), get(rec, "remedy_filed_on"), get(rec, "remedy_decided_on")
		if rk != "" || rr != "" || rf != "" || rd != "" {
			rem := &cases.Remedy{Kind: rk, Result: rr}
			ok := true
			switch {
			case rk == "":
				ps.add(line, "remedy_kind", "填写了救济信息的，须填写救济类型（reconsideration、litigation_direct、litigation_after_reconsideration）。", "Give the remedy kind (reconsideration, litigation_direct, litigation_after_reconsideration).")
				ok = false
			case !cases.RemedyKinds.Has(rk):
				ps.add(line, "remedy_kind", fmt.Sprintf("救济类型“%s”不正确，应为 reconsideration、litigation_direct 或 litigation_after_reconsideration。", rk), fmt.Sprintf("Remedy kind %q is unknown.", rk))
				ok = false
			}
			if rem.Result == "" {
				rem.Result = cases.RemedyPending
			}
			if !cases.RemedyResults.Has(rem.Result) {
				ps.add(line, "remedy_result", fmt.Sprintf("救济结果“%s”不正确，应为 upheld、corrected、other 或 pending。", rr), fmt.Sprintf("Remedy result %q is unknown.", rr))
				ok = false
			}
			if outcome == "" {
				ps.add(line, "remedy_kind", "尚未办结的申请不能登记行政复议或行政诉讼。", "An open application has no remedy.")
				ok = false
			}
			if rf == "" {
				rem.FiledOn = concluded
			} else if d, good := r.date(&ps, line, "remedy_filed_on", rf, today, false); good {
				rem.FiledOn = d
			} else {
				ok = false
			}
			if rem.Result == cases.RemedyPending {
				if rd != "" {
					ps.add(line, "remedy_decided_on", "尚未审结的救济不应填写审结日期。", "A pending remedy has no decision date.")
					ok = false
				}
			} else if rd == "" {
				rem.DecidedOn = concluded
			} else if d, good := r.date(&ps, line, "remedy_decided_on", rd, today, false); good {
				rem.DecidedOn = d
			} else {
				ok = false
			}
			if ok && !rem.DecidedOn.IsZero() && rem.DecidedOn.Before(rem.FiledOn) {
				ps.add(line, "remedy_decided_on", "审结日期不能早于申请（起诉）日期。", "The decision date cannot be before the filing date.")
				ok = false
			}
			if ok {
				r.remedy = rem
			}
		}
		// Dates inside a signed month can no longer be written (docs/rules.md §8: sign-off).
		if recOK {
			if s := signed.month(received); s != "" {
				ps.add(line, "received_on", signedMessage(s), signedMessageEN(s))
			}
		}
		if !concluded.IsZero() {
			if s := signed.month(concluded); s != "" {
				ps.add(line, "concluded_on", signedMessage(s), signedMessageEN(s))
			}
		}
		r.app = cases.Applicant{Kind: kind, Name: name, IDType: idType, IDNumber: idNumber, OrgCategory: org}
		r.channel, r.received, r.description, r.outcome, r.concluded, r.letterNo = channel, received, desc, outcome, concluded, letterNo
		rows = append(rows, r)
	}
	if len(rows) == 0 && len(ps.list) == 0 {
		ps.add(2, "", "导入文件中没有数据行。", "The file has no data rows.")
	}
	return rows, ps.list, nil
}

// date parses a date cell that may not be in the future; it reports problems itself.
func (r *importRow) date(ps *problems, line int, col, s string, today cases.Date, required bool) (cases.Date, bool) {
	if s == "" {
		if required {
			ps.add(line, col, "请填写日期（YYYY-MM-DD）。", "Enter the date (YYYY-MM-DD).")
		}
		return cases.Date{}, false
	}
	d, ok := parseImportDate(s)
	if !ok {
		ps.add(line, col, fmt.Sprintf("日期“%s”格式不正确，应为YYYY-MM-DD。", s), fmt.Sprintf("Date %q is not in the form YYYY-MM-DD.", s))
		return cases.Date{}, false
	}
	if d.After(today) {
		ps.add(line, col, fmt.Sprintf("日期%s晚于今天。", d), fmt.Sprintf("The date %s is in the future.", d))
		return cases.Date{}, false
	}
	if d.Year() < 1990 {
		ps.add(line, col, fmt.Sprintf("日期%s早于1990年。", d), fmt.Sprintf("The date %s is before 1990.", d))
		return cases.Date{}, false
	}
	return d, true
}

func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return true
		}
	}
	return false
}

// writeImport inserts the validated rows. The imported tracking and letter numbers are reserved
// first, so that the numbers assigned to rows without one (and every later number) come after
// them.
func (db *DB) writeImport(ctx context.Context, tx *sqlx.Tx, agency cases.Agency, actor cases.Actor, file string, rows []importRow, now time.Time, res *ImportResult) error {
	for _, r := range rows {
		if r.trackingYear > 0 {
			if err := reserveSeq(ctx, tx, agency.ID, "tracking", r.trackingYear, r.trackingSerie); err != nil {
				return err
			}
		}
		if m := reLetterNo.FindStringSubmatch(r.letterNo); m != nil {
			year, _ := strconv.Atoi(m[2])
			n, _ := strconv.Atoi(m[3])
			for kind := range defaultLetterPrefixes {
				if LetterPrefix(agency, kind) == m[1] {
					if err := reserveSeq(ctx, tx, agency.ID, "letter:"+kind, year, n); err != nil {
						return err
					}
				}
			}
		}
	}
	cal := db.Calendar()
	for _, r := range rows {
		c := &cases.Case{AgencyID: agency.ID, Agency: agency.Code, TrackingNo: r.tracking, Applicant: r.app, Description: r.description,
			Channel: r.channel, Handling: 1, Imported: true, Version: 1}
		workflow.StartClock(c, r.received, actor.Name)
		workflow.Recompute(c, cal)
		c.State = cases.StateRegistered
		payload := map[string]any{"file": file, "row": r.line, "received_on": r.received}
		if r.outcome != "" {
			o, _ := cases.FindOutcome(r.outcome)
			c.State = cases.StateClosed
			if o.Decision {
				c.State = cases.StateReplied
			}
			c.Outcome, c.ConcludedOn, c.LetterNo = r.outcome, r.concluded, r.letterNo
			payload["outcome"], payload["concluded_on"] = r.outcome, r.concluded
			if r.letterNo != "" {
				payload["letter_no"] = r.letterNo
			}
			res.Concluded++
		} else {
			res.Open++
		}
		if r.remedy != nil {
			rm := map[string]any{"kind": r.remedy.Kind, "filed_on": r.remedy.FiledOn, "result": r.remedy.Result}
			if !r.remedy.DecidedOn.IsZero() {
				rm["decided_on"] = r.remedy.DecidedOn
			}
			payload["remedy"] = rm
		}
		if c.TrackingNo == "" {
			year := Today(agency, now).Year()
			n, err := nextSeq(ctx, tx, agency.ID, "tracking", year)
			if err != nil {
				return err
			}
			c.TrackingNo = fmt.Sprintf("%s%d%06d", agency.Settings.TrackingPrefix, year, n)
		}
		c.CreatedAt, c.UpdatedAt = now.UTC().Truncate(time.Microsecond), now.UTC().Truncate(time.Microsecond)
		if err := tx.GetContext(ctx, &c.ID, tx.Rebind(caseInsert), caseValues(c)...); err != nil {
			return err
		}
		if err := insertTerms(ctx, tx, c.ID, textTerms(c)); err != nil { // the search index (search.go)
			return err
		}
		ev := cases.Event{Event: "imported", Actor: actor.Name, At: now, ToState: c.State, ReplyDueAfter: c.ReplyDue, Payload: mustCanonical(payload)}
		if err := appendEvent(ctx, tx, c, &ev); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET event_count = ?, head_hash = ? WHERE id = ?`), c.EventCount, c.HeadHash, c.ID); err != nil {
			return err
		}
		if r.remedy != nil {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO remedies (case_id, kind, filed_on, result, decided_on, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
				c.ID, r.remedy.Kind, r.remedy.FiledOn, r.remedy.Result, r.remedy.DecidedOn, now.UTC()); err != nil {
				return err
			}
			res.Remedies++
		}
		res.Cases++
		res.Tracking = append(res.Tracking, c.TrackingNo)
	}
	return nil
}
