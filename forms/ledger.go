package forms

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	cases "foidesk/case"
)

// The filing ledger (台账, docs/rules.md §8) as PDF (A4 landscape, the header row on every page,
// page numbers, the period, the time generated and the chain digest), CSV (UTF-8 with a BOM, for
// Excel) and XLSX.

var shortChannels = map[string]string{
	cases.ChannelOnline: "网上", cases.ChannelInPerson: "当面", cases.ChannelPostRegistered: "挂号信", cases.ChannelPostOrdinary: "平信",
	cases.ChannelFax: "传真", cases.ChannelEmail: "电子邮件", cases.ChannelOral: "口头",
}

var pauseLabels = map[string]string{"correction": "补正", "consultation": "征求意见", "fee": "缴费"}

var shortRemedies = map[string]string{"reconsideration": "行政复议", "litigation_direct": "直接起诉", "litigation_after_reconsideration": "复议后起诉"}

var shortResults = map[string]string{"upheld": "维持", "corrected": "纠正", "other": "其他", "pending": "尚未审结"}

// OutcomeShort is a compact outcome label: 予以公开, 不予公开：属于国家秘密, ….
func OutcomeShort(code string) string {
	if o, ok := cases.FindOutcome(code); ok {
		return o.Short()
	}
	return code
}

func ledgerDate(d cases.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func applicantType(r cases.LedgerRow) string {
	if r.ApplicantKind == cases.KindPerson {
		return "自然人"
	}
	return cases.OrgCategories.Label(r.OrgCategory, "zh")
}

func pausesText(r cases.LedgerRow, sep string) string {
	var out []string
	for _, p := range r.Pauses {
		t := pauseLabels[p.Kind]
		if t == "" {
			t = p.Kind
		}
		if p.End.IsZero() {
			out = append(out, t+"（进行中）")
		} else {
			out = append(out, fmt.Sprintf("%s%d个工作日", t, p.Days))
		}
	}
	return strings.Join(out, sep)
}

func remediesText(r cases.LedgerRow, sep string) string {
	var out []string
	for _, m := range r.Remedies {
		t := shortRemedies[m.Kind] + "：" + shortResults[m.Result]
		if !m.DecidedOn.IsZero() {
			t += "（" + m.DecidedOn.String() + "）"
		}
		out = append(out, t)
	}
	return strings.Join(out, sep)
}

func onTimeText(r cases.LedgerRow) string {
	switch {
	case r.OnTime != nil && *r.OnTime:
		return "是"
	case r.OnTime != nil:
		return "否"
	case r.Overdue:
		return "已超期"
	}
	return ""
}

func extendedText(r cases.LedgerRow) string {
	if !r.Extended {
		return "否"
	}
	return fmt.Sprintf("是（%d日）", r.ExtendedDays)
}

func stateText(r cases.LedgerRow) string {
	s := r.State.Label("zh")
	if r.Handling > 1 {
		s += fmt.Sprintf("（第%d次办理）", r.Handling)
	}
	return s
}

func deliveryText(r cases.LedgerRow, sep string) string {
	if r.DeliveryWay == "" && r.DeliveredOn.IsZero() {
		return ""
	}
	t := cases.DeliveryWays.Label(r.DeliveryWay, "zh") + sep + ledgerDate(r.DeliveredOn)
	if p := proofText(r); p != "" {
		t += sep + p
	}
	return t
}

// proofText is the delivery's proof in a few words: "EMS 1234567890", "送达回证（扫描件）".
func proofText(r cases.LedgerRow) string {
	if r.DeliveryProof == nil {
		return ""
	}
	return r.DeliveryProof.Short("zh")
}

// ledgerHeaders and ledgerRecord are the columns of the CSV and XLSX exports.
var ledgerHeaders = []string{"序号", "机关", "申请编号", "收到日期", "申请渠道", "申请人类型", "申请人", "证件类型", "证件号码", "联系电话", "申请内容摘要",
	"经办人", "状态", "答复期限", "是否延期", "中止情况", "办结日期", "办理结果", "答复文号", "送达方式", "送达日期", "是否按期", "归档日期", "救济情况", "事件链头", "送达凭证"}

func ledgerRecord(r cases.LedgerRow) []string {
	return []string{strconv.Itoa(r.Serial), r.Agency, r.TrackingNo, ledgerDate(r.ReceivedOn), cases.Channels.Label(r.Channel, "zh"), applicantType(r), r.ApplicantName,
		cases.IDTypes.Label(r.IDType, "zh"), r.IDNumber, r.Phone, r.Summary, r.Clerk, stateText(r), ledgerDate(r.ReplyDue), extendedText(r), pausesText(r, "；"),
		ledgerDate(r.ConcludedOn), OutcomeShort(r.Outcome), r.LetterNo, cases.DeliveryWays.Label(r.DeliveryWay, "zh"), ledgerDate(r.DeliveredOn), onTimeText(r),
		ledgerDate(r.ArchivedOn), remediesText(r, "；"), r.ChainHead, proofText(r)}
}

func byLabel(by string) string {
	if by == cases.ByConcluded {
		return "按办结日期"
	}
	return "按收到日期"
}

// LedgerCSV writes the ledger as CSV for Excel: UTF-8 with a byte-order mark, a header line, one
// line per application.
func LedgerCSV(w io.Writer, l cases.Ledger) error {
	if _, err := w.Write([]byte("\xEF\xBB\xBF")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write(ledgerHeaders)
	for _, r := range l.Rows {
		cw.Write(cases.SpreadsheetRecord(ledgerRecord(r))) // formula injection (docs/api.md "Ledger exports")
	}
	cw.Flush()
	return cw.Error()
}

// LedgerXLSX writes the ledger as an XLSX workbook: the sheet 台账 (header row frozen) and the
// sheet 说明 with the period, the time generated and the chain digest. Every cell is a string cell
// (docs/api.md "Ledger exports": XLSX cells are text): text is never a formula, whatever it begins
// with.
func LedgerXLSX(w io.Writer, l cases.Ledger) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "台账"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"EEEEEE"}, Pattern: 1}})
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	widths := []float64{6, 10, 16, 12, 12, 12, 20, 14, 22, 14, 40, 10, 12, 12, 10, 24, 12, 24, 22, 10, 12, 8, 12, 24, 20, 22}
	for i, wd := range widths {
		sw.SetColWidth(i+1, i+1, wd)
	}
	sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	hdr := make([]any, len(ledgerHeaders))
	for i, h := range ledgerHeaders {
		hdr[i] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	for i, r := range l.Rows {
		rec := ledgerRecord(r)
		vals := make([]any, len(rec))
		for j, v := range rec {
			vals[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.NewSheet("说明"); err != nil {
		return err
	}
	loc := zoneOf(l.Agencies)
	meta := [][2]string{
		{"名称", "政府信息公开申请办理台账"},
		{"机关", agencyNames(l.Agencies)},
		{"期间", fmt.Sprintf("%s至%s（%s）", l.From, l.To, byLabel(l.By))},
		{"生成时间", l.GeneratedAt.In(loc).Format("2006-01-02 15:04:05")},
		{"记录数", strconv.Itoa(len(l.Rows))},
		{"链摘要（SHA-256）", l.Digest},
		{"链摘要的计算", "按申请编号排序，对每条记录的“申请编号<TAB>事件链头<LF>”依次计算SHA-256。"},
		{"证件号码与电话", map[bool]string{true: "完整导出（已记录）", false: "已遮蔽"}[l.Full]},
	}
	for i, m := range meta {
		f.SetCellStr("说明", fmt.Sprintf("A%d", i+1), m[0])
		f.SetCellStr("说明", fmt.Sprintf("B%d", i+1), m[1])
	}
	f.SetColWidth("说明", "A", "A", 20)
	f.SetColWidth("说明", "B", "B", 80)
	_, err = f.WriteTo(w)
	return err
}

func agencyNames(as []cases.Agency) string {
	names := make([]string, len(as))
	for i, a := range as {
		names[i] = a.Name
	}
	return strings.Join(names, "、")
}

// ledgerColumns are the columns of the PDF, widths in mm (0 shares what is left).
var ledgerColumns = []Column{
	{Header: "序号", Width: 6.5, Align: AlignCenter},
	{Header: "申请编号", Width: 18.5},
	{Header: "收到日期", Width: 14},
	{Header: "渠道", Width: 9},
	{Header: "申请人", Width: 17},
	{Header: "证件号码", Width: 27.5},
	{Header: "申请内容摘要"},
	{Header: "经办人", Width: 10},
	{Header: "答复期限", Width: 14},
	{Header: "延期", Width: 8, Align: AlignCenter},
	{Header: "中止（工作日）", Width: 18},
	{Header: "办结日期", Width: 14},
	{Header: "办理结果", Width: 17},
	{Header: "答复文号", Width: 17},
	{Header: "送达", Width: 21},
	{Header: "按期", Width: 8.5, Align: AlignCenter},
	{Header: "归档日期", Width: 14},
	{Header: "救济", Width: 15},
}

func ledgerPDFRow(r cases.LedgerRow) []string {
	ext := "否"
	if r.Extended {
		ext = fmt.Sprintf("是\n%d日", r.ExtendedDays)
	}
	var pauses []string
	for _, p := range r.Pauses {
		if p.End.IsZero() {
			pauses = append(pauses, pauseLabels[p.Kind]+"（进行中）")
		} else {
			pauses = append(pauses, fmt.Sprintf("%s%d日", pauseLabels[p.Kind], p.Days))
		}
	}
	summary := r.Summary
	if s := []rune(strings.TrimSuffix(summary, "……")); len(s) > 40 {
		summary = string(s[:40]) + "……"
	}
	return []string{strconv.Itoa(r.Serial), r.TrackingNo, ledgerDate(r.ReceivedOn), shortChannels[r.Channel], r.ApplicantName + "\n（" + applicantType(r) + "）",
		r.IDNumber, summary, r.Clerk, ledgerDate(r.ReplyDue), ext, strings.Join(pauses, "\n"), ledgerDate(r.ConcludedOn), OutcomeShort(r.Outcome),
		r.LetterNo, deliveryText(r, "\n"), onTimeText(r), ledgerDate(r.ArchivedOn), remediesText(r, "\n")}
}

// LedgerPDF renders the ledger: A4 landscape, the header row repeated on every page, page
// numbers, the period and the time generated on every page, and the chain digest under the title
// and at the end.
func LedgerPDF(font, bold *Font, l cases.Ledger) ([]byte, error) {
	if font == nil {
		return nil, fmt.Errorf("forms: no font loaded")
	}
	loc := zoneOf(l.Agencies)
	period := fmt.Sprintf("%s至%s（%s）", l.From, l.To, byLabel(l.By))
	generated := l.GeneratedAt.In(loc).Format("2006-01-02 15:04")
	d := NewDoc(font, bold, Layout{Landscape: true, Margins: Margins{Top: 16, Right: 8, Bottom: 14, Left: 8}, PageNumbers: true,
		HeaderLeft:  "政府信息公开申请办理台账　" + agencyNames(l.Agencies) + "　" + period,
		HeaderRight: "生成时间：" + generated + "　链摘要：" + l.Digest[:min(16, len(l.Digest))] + "…",
		Title:       "政府信息公开申请办理台账", Date: l.GeneratedAt})
	d.Text("政府信息公开申请办理台账", Style{Size: 15, Bold: true, Align: AlignCenter})
	d.Text(fmt.Sprintf("%s　期间：%s　共%d件　生成时间：%s", agencyNames(l.Agencies), period, len(l.Rows), generated), Style{Size: 9, Align: AlignCenter, Gray: 40})
	d.Text("链摘要（SHA-256）："+l.Digest, Style{Size: 8, Align: AlignCenter, Gray: 40})
	if !l.Full {
		d.Text("证件号码和联系电话已遮蔽。", Style{Size: 7.5, Align: AlignCenter, Gray: 90})
	}
	d.Space(2)
	rows := make([][]string, len(l.Rows))
	for i, r := range l.Rows {
		rows[i] = ledgerPDFRow(r)
	}
	if len(rows) == 0 {
		rows = [][]string{{"", "本期间没有申请。"}}
	}
	d.Table(Table{Columns: ledgerColumns, Rows: rows, Size: 6.5, Padding: 0.6})
	d.Space(3)
	d.Text("链摘要的计算：按申请编号排序，对每条记录的“申请编号<TAB>事件链头<LF>”依次计算SHA-256；任何一条记录的任何事件被改动，链摘要即不同（foidesk audit verify 可逐案核验）。", Style{Size: 7.5, Gray: 60})
	d.Text("链摘要（SHA-256）："+l.Digest, Style{Size: 7.5, Gray: 60})
	return d.PDF()
}

// LedgerPDF renders the ledger (see the function LedgerPDF).
func (r *Renderer) LedgerPDF(l cases.Ledger) ([]byte, error) { return LedgerPDF(r.font, r.bold, l) }

// LedgerCSV writes the ledger as CSV (see the function LedgerCSV).
func (r *Renderer) LedgerCSV(w io.Writer, l cases.Ledger) error { return LedgerCSV(w, l) }

// LedgerXLSX writes the ledger as XLSX (see the function LedgerXLSX).
func (r *Renderer) LedgerXLSX(w io.Writer, l cases.Ledger) error { return LedgerXLSX(w, l) }
