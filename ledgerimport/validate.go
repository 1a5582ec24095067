package ledgerimport

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	cases "foidesk/case"
)

// Row is a validated row.
type Row struct {
	Line           int
	Tracking       string
	Applicant      cases.Applicant
	Channel        string
	Received       cases.Date
	Description    string
	Outcome        string
	Concluded      cases.Date
	LetterNo       string
	Remedy         *cases.Remedy
	TrackingYear   int
	TrackingSerial int
}

type problems struct {
	list []Problem
}

func (p *problems) add(row int, col, zh, en string) {
	if len(p.list) < maxProblems {
		p.list = append(p.list, Problem{Row: row, Column: col, Message: zh, MessageEN: en})
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

// Lookup answers what only the database knows: whether a tracking number or a letter number of
// the agency is in use, and whether a date lies in a signed-off month (then the error refusing it).
type Lookup interface {
	TrackingInUse(no string) (bool, error)
	LetterNoInUse(no string) (bool, error)
	Signed(d cases.Date) error
}

// Validate checks the header and every row of a file for agency as of today. It returns the
// rows, or the problems (at most MaxProblems); err is only a failure of the lookup.
func Validate(agency cases.Agency, header []string, records [][]string, today cases.Date, lookup Lookup) ([]Row, []Problem, error) {
	var ps problems
	col := map[string]int{}
	known := Columns()
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
	for _, h := range Required {
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
	prefix := regexp.MustCompile(`^` + regexp.QuoteMeta(agency.Settings.TrackingPrefix) + `(\d{4})(\d{6})$`)
	seenTracking, seenLetter := map[string]int{}, map[string]int{}
	var rows []Row
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
		r := Row{Line: line}
		// tracking_no: kept when given (and reserved), else assigned.
		r.Tracking = get(rec, "tracking_no")
		if r.Tracking != "" {
			if !reTrackingChars.MatchString(r.Tracking) {
				ps.add(line, "tracking_no", "申请编号只能由字母、数字、下划线和连字符组成，最长40位。", "A tracking number is at most 40 letters, digits, _ or -.")
			} else if prev, dup := seenTracking[r.Tracking]; dup {
				ps.add(line, "tracking_no", fmt.Sprintf("申请编号与第%d行重复。", prev), fmt.Sprintf("The tracking number repeats row %d.", prev))
			} else {
				seenTracking[r.Tracking] = line
				used, err := lookup.TrackingInUse(r.Tracking)
				if err != nil {
					return nil, nil, err
				}
				if used {
					ps.add(line, "tracking_no", "该申请编号已存在。", "The tracking number is already in use.")
				}
				if m := prefix.FindStringSubmatch(r.Tracking); m != nil {
					r.TrackingYear, _ = strconv.Atoi(m[1])
					r.TrackingSerial, _ = strconv.Atoi(m[2])
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
					used, err := lookup.LetterNoInUse(letterNo)
					if err != nil {
						return nil, nil, err
					}
					if used {
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
				r.Remedy = rem
			}
		}
		// Dates inside a signed month can no longer be written (docs/rules.md §8: sign-off).
		if recOK {
			if err := lookup.Signed(received); err != nil {
				ps.addErr(line, "received_on", err)
			}
		}
		if !concluded.IsZero() {
			if err := lookup.Signed(concluded); err != nil {
				ps.addErr(line, "concluded_on", err)
			}
		}
		r.Applicant = cases.Applicant{Kind: kind, Name: name, IDType: idType, IDNumber: idNumber, OrgCategory: org}
		r.Channel, r.Received, r.Description, r.Outcome, r.Concluded, r.LetterNo = channel, received, desc, outcome, concluded, letterNo
		rows = append(rows, r)
	}
	if len(rows) == 0 && len(ps.list) == 0 {
		ps.add(2, "", "导入文件中没有数据行。", "The file has no data rows.")
	}
	return rows, ps.list, nil
}

// date parses a date cell that may not be in the future; it reports problems itself.
func (r *Row) date(ps *problems, line int, col, s string, today cases.Date, required bool) (cases.Date, bool) {
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
