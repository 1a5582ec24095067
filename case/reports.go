package cases

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file holds the shapes of what the office reports (docs/rules.md §8): the annual report
// (国办公开办函〔2021〕30号, tables 三 and 四 and the fees), the monthly statistics, the filing
// ledger (台账), the supervisor's audit findings and the monthly sign-off.

// Rows of table 三 besides the outcome codes (docs/api.md "Annual report formats").
const (
	RowNew        = "new"         // 一、本年新收政府信息公开申请数量
	RowCarriedIn  = "carried_in"  // 二、上年结转政府信息公开申请数量
	RowTotal      = "total"       // （七）总计
	RowCarriedOut = "carried_out" // 四、结转下年度继续办理
)

// ColPerson and ColTotal are the first and last columns of table 三; the five organisation
// categories (OrgCategories) lie between them, under 法人或其他组织.
const (
	ColPerson = "person"
	ColTotal  = "total_col"
)

// Table3Columns are the columns of table 三 in their official order.
var Table3Columns = []string{ColPerson, "business", "research", "public_interest", "legal_service", "other", ColTotal}

// Table3ColumnLabels are the official headings of Table3Columns.
var Table3ColumnLabels = []string{"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"}

// ReportColumn is the column of table 三 an applicant is counted in: person, or the
// organisation's category (other when it has none).
func ReportColumn(kind, orgCategory string) string {
	if kind == KindPerson {
		return ColPerson
	}
	if OrgCategories.Has(orgCategory) {
		return orgCategory
	}
	return "other"
}

// Table3Line is one line of table 三 in its official order: a group label alone (Key "") or a
// row with its key (RowNew … an outcome code … RowCarriedOut) and its exact official label.
type Table3Line struct {
	Key   string
	Label string
}

// Table3Lines returns the lines of table 三 in the official order (docs/rules.md §6, §8): 一, 二,
// 三 with （一）…（六） and their numbered sub-rows, （七）总计, 四.
func Table3Lines() []Table3Line {
	lines := []Table3Line{
		{RowNew, "一、本年新收政府信息公开申请数量"},
		{RowCarriedIn, "二、上年结转政府信息公开申请数量"},
		{"", "三、本年度办理结果"},
	}
	group := ""
	for _, o := range Outcomes {
		if o.Group != group {
			group = o.Group
			if group != "" {
				lines = append(lines, Table3Line{"", group})
			}
		}
		lines = append(lines, Table3Line{o.Code, o.Row})
	}
	return append(lines, Table3Line{RowTotal, "（七）总计"}, Table3Line{RowCarriedOut, "四、结转下年度继续办理"})
}

// Remedy kinds and results of table 四.
const (
	RemedyTotal   = "total"
	RemedyPending = "pending"
)

// Table4Results are the result columns of table 四 in order, total last.
var Table4Results = []string{"upheld", "corrected", "other", RemedyPending, RemedyTotal}

// Fees collected in a year (国办函〔2020〕109号), in yuan.
type ReportFees struct {
	PerRequest int `json:"per_request"`
	PerPage    int `json:"per_page"`
	Collected  int `json:"collected"`
}

// ColumnCheck is the check of one column of table 三: 一 + 二 = （七） + 四.
type ColumnCheck struct {
	NewPlusCarriedIn    int  `json:"new_plus_carried_in"`
	TotalPlusCarriedOut int  `json:"total_plus_carried_out"`
	OK                  bool `json:"ok"`
}

// AnnualReport is the annual report of one agency or the sum over several (Art. 49–50;
// 国办公开办函〔2021〕30号). Its JSON is exactly docs/api.md "Annual report formats", plus
// "check": the check of every column.
type AnnualReport struct {
	Year   int                       `json:"year"`
	Table3 map[string]map[string]int `json:"table3"`
	Table4 map[string]map[string]int `json:"table4"`
	Fees   ReportFees                `json:"fees"`
	Check  map[string]ColumnCheck    `json:"check"`
	Scope  []Agency                  `json:"-"` // the agencies reported on
}

// NewAnnualReport returns an empty report of year with every row and column at 0.
func NewAnnualReport(year int) AnnualReport {
	r := AnnualReport{Year: year, Table3: map[string]map[string]int{}, Table4: map[string]map[string]int{}, Check: map[string]ColumnCheck{}}
	for _, l := range Table3Lines() {
		if l.Key == "" {
			continue
		}
		r.Table3[l.Key] = map[string]int{}
		for _, c := range Table3Columns {
			r.Table3[l.Key][c] = 0
		}
	}
	for _, k := range RemedyKinds {
		r.Table4[k.Code] = map[string]int{}
		for _, res := range Table4Results {
			r.Table4[k.Code][res] = 0
		}
	}
	return r
}

// Add counts n in row and column of table 三, and in the total column.
func (r *AnnualReport) Add(row, col string, n int) {
	r.Table3[row][col] += n
	r.Table3[row][ColTotal] += n
}

// Finish derives （七）总计 from the outcome rows, the totals of table 四 and the collected fees,
// and the check of every column.
func (r *AnnualReport) Finish() {
	for _, c := range Table3Columns {
		r.Table3[RowTotal][c] = 0
	}
	for _, o := range Outcomes {
		for _, c := range Table3Columns {
			r.Table3[RowTotal][c] += r.Table3[o.Code][c]
		}
	}
	for _, k := range RemedyKinds {
		t := 0
		for _, res := range Table4Results[:len(Table4Results)-1] {
			t += r.Table4[k.Code][res]
		}
		r.Table4[k.Code][RemedyTotal] = t
	}
	r.Fees.Collected = r.Fees.PerRequest + r.Fees.PerPage
	for _, c := range Table3Columns {
		a := r.Table3[RowNew][c] + r.Table3[RowCarriedIn][c]
		b := r.Table3[RowTotal][c] + r.Table3[RowCarriedOut][c]
		r.Check[c] = ColumnCheck{NewPlusCarriedIn: a, TotalPlusCarriedOut: b, OK: a == b}
	}
}

// Balanced reports whether every column satisfies 一 + 二 = （七） + 四.
func (r AnnualReport) Balanced() bool {
	for _, c := range Table3Columns {
		if !r.Check[c].OK {
			return false
		}
	}
	return true
}

// WriteCSV writes table 三 as docs/api.md "Annual report formats" pins it: UTF-8, one line
// per line of the official table in its order; a group line is its label alone, every other line
// the exact official label followed by the seven integers (自然人, 商业企业, 科研机构, 社会公益组织,
// 法律服务机构, 其他, 总计). No other line carries integers.
func (r AnnualReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	for _, l := range Table3Lines() {
		rec := []string{SpreadsheetText(l.Label)}
		if l.Key != "" {
			for _, c := range Table3Columns {
				rec = append(rec, strconv.Itoa(r.Table3[l.Key][c]))
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// MonthlyFigures are the monthly statistics of one agency or of the sum (docs/rules.md §8):
// received, concluded by outcome, replied on time, the average working days from receipt to
// conclusion without the paused days, paused, extended and overdue still open.
type MonthlyFigures struct {
	Agency     string `json:"agency,omitempty"` // agency code; "" for the sum
	AgencyName string `json:"agency_name,omitempty"`
	// Received counts the handlings received in the month (a reopen is a new handling).
	Received int `json:"received"`
	// Concluded counts the handlings concluded in the month; ByOutcome splits them by outcome
	// (every outcome code is present).
	Concluded int            `json:"concluded"`
	ByOutcome map[string]int `json:"by_outcome"`
	// Replied counts the conclusions with a reply letter; Delivered those whose delivery is
	// recorded; OnTime those delivered on or before the reply deadline, Late the others.
	Replied   int `json:"replied"`
	Delivered int `json:"delivered"`
	OnTime    int `json:"on_time"`
	Late      int `json:"late"`
	// AvgWorkdays is the average of the working days from receipt to conclusion, without the
	// paused days (consultation, fee), over the handlings concluded in the month; WorkdaysCounted
	// is how many handlings the average is over (imported handlings without history count too).
	AvgWorkdays     float64 `json:"avg_workdays"`
	WorkdaysCounted int     `json:"workdays_counted"`
	// Paused counts the pauses (consultation or fee) begun in the month; Extended the extensions
	// approved in the month.
	Paused   int `json:"paused"`
	Extended int `json:"extended"`
	// OverdueOpen counts the handlings still open at the end of the month (or today, for the
	// current month) whose running reply deadline had passed.
	OverdueOpen int `json:"overdue_open"`
	sumDays     int
}

// AddDays records one handling's working days for the average.
func (f *MonthlyFigures) AddDays(n int) {
	f.sumDays += n
	f.WorkdaysCounted++
	f.AvgWorkdays = float64(int(float64(f.sumDays)/float64(f.WorkdaysCounted)*10+0.5)) / 10
}

// Plus adds o to f (for the sum over agencies).
func (f *MonthlyFigures) Plus(o MonthlyFigures) {
	f.Received += o.Received
	f.Concluded += o.Concluded
	if f.ByOutcome == nil {
		f.ByOutcome = NewOutcomeCounts()
	}
	for k, v := range o.ByOutcome {
		f.ByOutcome[k] += v
	}
	f.Replied += o.Replied
	f.Delivered += o.Delivered
	f.OnTime += o.OnTime
	f.Late += o.Late
	f.sumDays += o.sumDays
	f.WorkdaysCounted += o.WorkdaysCounted
	if f.WorkdaysCounted > 0 {
		f.AvgWorkdays = float64(int(float64(f.sumDays)/float64(f.WorkdaysCounted)*10+0.5)) / 10
	}
	f.Paused += o.Paused
	f.Extended += o.Extended
	f.OverdueOpen += o.OverdueOpen
}

// NewOutcomeCounts returns a map with every outcome code at 0.
func NewOutcomeCounts() map[string]int {
	m := make(map[string]int, len(Outcomes))
	for _, o := range Outcomes {
		m[o.Code] = 0
	}
	return m
}

// MonthlyStats are the monthly statistics sent to the superior disclosure office early each month
// (docs/rules.md §8): per agency, and summed.
type MonthlyStats struct {
	Year     int              `json:"year"`
	Month    int              `json:"month"`
	From     Date             `json:"from"`
	To       Date             `json:"to"`
	AsOf     Date             `json:"as_of"` // the day "overdue still open" is judged on
	Agencies []MonthlyFigures `json:"agencies"`
	Total    MonthlyFigures   `json:"total"`
}

// Ledger period bases: by date of receipt or of conclusion.
const (
	ByReceived  = "received"
	ByConcluded = "concluded"
)

// LedgerFilter selects the rows of the filing ledger.
type LedgerFilter struct {
	AgencyIDs   []int64 // the agencies the caller may see (empty: all)
	From, To    Date    // the period, both days included
	By          string  // ByReceived (default) or ByConcluded
	States      []string
	Outcome     string
	Clerk       string
	OverdueOnly bool
	// Full exports identity numbers and phones unmasked (administrators only; recorded).
	Full bool
	// RequestedFrom is the client address recorded with a full export.
	RequestedFrom string
}

// LedgerPause is one interval in which the reply clock stood still.
type LedgerPause struct {
	Kind  string `json:"kind"` // correction | consultation | fee
	Start Date   `json:"start"`
	End   Date   `json:"end"`
	Days  int    `json:"days"` // working days of (Start, End]; 0 while it lasts
}

// LedgerRow is one application in the filing ledger (台账).
type LedgerRow struct {
	Serial        int           `json:"serial"`
	CaseID        int64         `json:"case_id"`
	Agency        string        `json:"agency"`
	TrackingNo    string        `json:"tracking_no"`
	ReceivedOn    Date          `json:"received_on"`
	Channel       string        `json:"channel"`
	ApplicantKind string        `json:"applicant_kind"`
	OrgCategory   string        `json:"org_category,omitempty"`
	ApplicantName string        `json:"applicant_name"`
	IDType        string        `json:"id_type"`
	IDNumber      string        `json:"id_number"` // masked unless the export is full
	Phone         string        `json:"phone"`     // masked unless the export is full
	Summary       string        `json:"summary"`
	Clerk         string        `json:"clerk"`
	State         State         `json:"state"`
	Handling      int           `json:"handling"`
	ReplyDue      Date          `json:"reply_due"`
	Extended      bool          `json:"extended"`
	ExtendedDays  int           `json:"extended_days"`
	Pauses        []LedgerPause `json:"pauses"`
	ConcludedOn   Date          `json:"concluded_on"`
	Outcome       string        `json:"outcome"`
	LetterNo      string        `json:"letter_no"`
	DeliveryWay   string        `json:"delivery_way"`
	DeliveredOn   Date          `json:"delivered_on"`
	OnTime        *bool         `json:"on_time"` // nil: not delivered (or no reply)
	Overdue       bool          `json:"overdue"` // open, clock running, deadline passed
	ArchivedOn    Date          `json:"archived_on"`
	Remedies      []Remedy      `json:"remedies"`
	Imported      bool          `json:"imported"`
	ChainHead     string        `json:"chain_head"`

	// DeliveryProof is the proof of the delivery (record_delivery), when one was recorded.
	DeliveryProof *DeliveryProof `json:"delivery_proof,omitempty"`
}

// Ledger is the filing ledger of a period with its chain digest: the SHA-256 (hex) over the
// rows' (tracking number, chain head) pairs sorted by tracking number, each written as
// "tracking_no<TAB>head<LF>" (LedgerDigest).
type Ledger struct {
	From        Date        `json:"from"`
	To          Date        `json:"to"`
	By          string      `json:"by"`
	GeneratedAt time.Time   `json:"generated_at"`
	Agencies    []Agency    `json:"agencies"`
	Full        bool        `json:"full"`
	Digest      string      `json:"digest"`
	Rows        []LedgerRow `json:"rows"`
}

// LedgerDigest is the chain digest of ledger rows: the SHA-256 (hex) of "tracking_no<TAB>head<LF>"
// for every row, sorted by tracking number. Any change to any event of any listed case changes it.
func LedgerDigest(rows []LedgerRow) string {
	pairs := make([]string, len(rows))
	for i, r := range rows {
		pairs[i] = r.TrackingNo + "\t" + r.ChainHead + "\n"
	}
	sort.Strings(pairs)
	h := sha256.New()
	for _, p := range pairs {
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Audit finding rules (docs/rules.md §4, §8; Art. 30, 33, 45).
const (
	FindingLateReply         = "late_reply"             // replied (approved or delivered) after the reply deadline
	FindingLateCorrection    = "late_correction_notice" // correction notice later than 7 working days after receipt
	FindingLateExtension     = "late_extension"         // extension approved after the reply deadline
	FindingRepeatedExtension = "repeated_extension"     // more than one extension in a handling
	FindingNoDelivery        = "no_delivery"            // a reply without a delivery record
	FindingArchiveIncomplete = "archive_incomplete"     // archived without its documents
	FindingChainBroken       = "chain_broken"           // the event chain does not verify
)

// FindingRules labels the audit rules.
var FindingRules = CodeList{
	{FindingLateReply, "超期答复", "Replied after the deadline"},
	{FindingLateCorrection, "补正告知超过7个工作日", "Correction notice later than 7 working days"},
	{FindingLateExtension, "期限届满后延期", "Extension approved after the deadline"},
	{FindingRepeatedExtension, "多次延期", "Extended more than once"},
	{FindingNoDelivery, "答复未登记送达", "Reply without a delivery record"},
	{FindingArchiveIncomplete, "归档材料不全", "Archived without its documents"},
	{FindingChainBroken, "事件链校验失败", "Event chain broken"},
}

// Finding is one audit finding on a case, computed from its events.
type Finding struct {
	CaseID     int64  `json:"case_id"`
	TrackingNo string `json:"tracking_no"`
	Rule       string `json:"rule"`
	Seq        int    `json:"seq"`  // the event the finding is about (0: the case as a whole)
	Date       Date   `json:"date"` // the day of that event
	Message    string `json:"message"`
	MessageEN  string `json:"message_en"`
}

// SignOff is a supervisor's sign-off of one month of an agency's ledger: who, when, the
// findings acknowledged and the SHA-256 of the ledger PDF signed. The events and ledger facts
// dated in a signed month can no longer change.
type SignOff struct {
	ID           int64     `json:"id"`
	AgencyID     int64     `json:"-"`
	Agency       string    `json:"agency"`
	Year         int       `json:"year"`
	Month        int       `json:"month"`
	SignedBy     string    `json:"signed_by"`
	SignedAt     time.Time `json:"signed_at"`
	LedgerSHA256 string    `json:"ledger_sha256"`
	LedgerDigest string    `json:"ledger_digest"` // the chain digest printed on the ledger
	DocumentID   int64     `json:"document_id"`
	Findings     []Finding `json:"findings"`
	Note         string    `json:"note"`
	// Round counts the sign-offs of the month: 1, then 2 after a reopening, and so on.
	Round int `json:"round"`
	// Reopened is the supervisor's reopening of this sign-off, if any: the month is then no longer
	// signed until its next sign-off (docs/rules.md §8: late post).
	Reopened *SignOffReopening `json:"reopened,omitempty"`
}

// SignOffReopening is a supervisor's reopening of a month's sign-off, with the reason (e.g. late
// post received in the month), recorded append-only: who, when, why. A month's status is its latest
// record: a sign-off not reopened means signed; a reopened one means open again until the month is
// signed off anew (a sign-off of the next round).
type SignOffReopening struct {
	ID         int64     `json:"id"`
	SignOffID  int64     `json:"signoff_id"`
	AgencyID   int64     `json:"-"`
	Agency     string    `json:"agency"`
	Year       int       `json:"year"`
	Month      int       `json:"month"`
	Round      int       `json:"round"` // the round of the sign-off reopened
	ReopenedBy string    `json:"reopened_by"`
	ReopenedAt time.Time `json:"reopened_at"`
	Reason     string    `json:"reason"`
}

// ReopenRequest asks to reopen a signed month, with a reason (required).
type ReopenRequest struct {
	AgencyID    int64
	Year, Month int
	Reason      string
}

// SignOffRequest asks to sign a month off: the ledger PDF the supervisor reviewed, its chain
// digest, and the number of findings they acknowledge (refused when the findings changed).
type SignOffRequest struct {
	AgencyID     int64
	Year, Month  int
	LedgerPDF    []byte
	LedgerDigest string
	Acknowledged int
	Note         string
}

// Dashboard is what the supervisor dashboard draws.
type Dashboard struct {
	Today    Date             `json:"today"`
	Months   []MonthCount     `json:"months"`   // the last 12 months: received and concluded
	Outcomes map[string]int   `json:"outcomes"` // outcome mix of the last 12 months
	OnTime   []MonthRate      `json:"on_time"`  // on-time rate per month
	ByClerk  []LabelCount     `json:"by_clerk"` // open cases by clerk ("" unassigned)
	DaysLeft []LabelCount     `json:"days_left"`
	Open     int              `json:"open"`
	Overdue  int              `json:"overdue"`
	Figures  []MonthlyFigures `json:"-"`
}

// MonthCount is one month's received and concluded handlings.
type MonthCount struct {
	Year      int `json:"year"`
	Month     int `json:"month"`
	Received  int `json:"received"`
	Concluded int `json:"concluded"`
}

// MonthRate is one month's replies delivered on time out of those delivered.
type MonthRate struct {
	Year      int `json:"year"`
	Month     int `json:"month"`
	OnTime    int `json:"on_time"`
	Delivered int `json:"delivered"`
}

// LabelCount is a bar of a chart.
type LabelCount struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// ReportRenderer renders the reports and the ledger (package forms implements it on its letter
// Renderer, so the web layer finds it behind the cases.Renderer it is given).
type ReportRenderer interface {
	// AnnualPDF renders the annual report; generated is printed as the time of generation.
	AnnualPDF(rep AnnualReport, generated time.Time) ([]byte, error)
	// MonthlyPDF renders the monthly statistics of the agencies of scope.
	MonthlyPDF(st MonthlyStats, scope []Agency, generated time.Time) ([]byte, error)
	// MonthlyCSV writes the monthly statistics as CSV.
	MonthlyCSV(w io.Writer, st MonthlyStats) error
	// LedgerPDF renders the ledger (A4 landscape, with its period, time and chain digest).
	LedgerPDF(l Ledger) ([]byte, error)
	// LedgerCSV writes the ledger as CSV (UTF-8 with a BOM).
	LedgerCSV(w io.Writer, l Ledger) error
	// LedgerXLSX writes the ledger as an XLSX workbook.
	LedgerXLSX(w io.Writer, l Ledger) error
}

// ReportService produces the reports, the ledger, the audit and the sign-off (package store
// implements it). Every method takes the agencies the caller may see; none means all.
type ReportService interface {
	// AnnualReport computes the annual report of year.
	AnnualReport(ctx context.Context, agencyIDs []int64, year int) (AnnualReport, error)
	// MonthlyStats computes the statistics of a month, per agency and summed.
	MonthlyStats(ctx context.Context, agencyIDs []int64, year, month int) (MonthlyStats, error)
	// Ledger lists the ledger rows of a period (EINVALID for a bad period).
	Ledger(ctx context.Context, f LedgerFilter, actor Actor) (Ledger, error)
	// AuditMonth lists the findings on the events of a month of an agency.
	AuditMonth(ctx context.Context, agencyID int64, year, month int) ([]Finding, error)
	// SignOffLedger is the ledger a month's sign-off covers (the agency's applications received
	// in the month).
	SignOffLedger(ctx context.Context, agencyID int64, year, month int, actor Actor) (Ledger, error)
	// SignOffMonth records a supervisor's sign-off (EFORBIDDEN, EINVALID, ECONFLICT).
	SignOffMonth(ctx context.Context, req SignOffRequest, actor Actor) (SignOff, error)
	// SignOffs lists the sign-offs of the agencies, newest first (a month's latest round first),
	// each with its reopening if it was reopened.
	SignOffs(ctx context.Context, agencyIDs []int64) ([]SignOff, error)
	// ReopenMonth records a supervisor's reopening of a signed month, with a reason, so that late
	// post received in it can be registered (EFORBIDDEN, ECONFLICT when not signed, EINVALID).
	ReopenMonth(ctx context.Context, req ReopenRequest, actor Actor) (SignOffReopening, error)
	// AwaitingRegistration counts the online applications of an agency submitted on or before a
	// month's last day and still awaiting registration, for the warning at signing.
	AwaitingRegistration(ctx context.Context, agencyID int64, year, month int) (int, error)
	// SignOffPDF returns the ledger PDF a sign-off signed (ENOTFOUND).
	SignOffPDF(ctx context.Context, signOffID int64) (Document, error)
	// Dashboard gathers the supervisor dashboard's figures on day today.
	Dashboard(ctx context.Context, agencyIDs []int64) (Dashboard, error)
}

// SpreadsheetText makes a text cell of a CSV export safe to open in a spreadsheet (docs/api.md
// "Exports"): a cell whose text begins with =, +, -, @, a tab or a carriage return is written
// with a leading ' so that it is never taken for a formula (CSV formula injection, e.g. an
// applicant named =HYPERLINK(...)). Numbers are written as they are (none is negative).
func SpreadsheetText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// SpreadsheetRecord applies SpreadsheetText to every cell of rec, in place, and returns it.
func SpreadsheetRecord(rec []string) []string {
	for i, s := range rec {
		rec[i] = SpreadsheetText(s)
	}
	return rec
}
