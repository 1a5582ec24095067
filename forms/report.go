package forms

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	cases "foidesk/case"
)

// The annual report (国办公开办函〔2021〕30号, tables 三 and 四 with the fees) and the monthly
// statistics, as PDF and CSV. Table 三 follows the official layout: three label columns with the
// merged cells of 三、本年度办理结果 and of each group, and the applicant columns with
// 法人或其他组织 over its five categories. Under it the check of every column
// (一 + 二 = （七） + 四) is printed.

// reportMargins leave room for the fifteen columns of table 四 on A4 portrait.
var reportMargins = Margins{Top: 20, Right: 15, Bottom: 18, Left: 15}

// box is one cell of a drawn grid, in mm from the top-left corner of the page.
type box struct {
	x, y, w, h float64
	text       string
	align      Align
	bold       bool
	shade      bool
}

// drawBox draws a bordered cell with its text broken into lines and centred vertically.
func (d *Doc) drawBox(b box, size, pad float64) {
	fill := -1
	if b.shade {
		fill = 242
	}
	d.add(op{kind: opRect, x: b.x, y: b.y, w: b.w, h: b.h, fill: fill, lw: 0.2})
	text := d.clean(b.text, b.bold)
	measure := d.Measure(Style{Size: size, Bold: b.bold})
	lh := 1.4 * size * mmPerPt
	lines := BreakLines(measure, text, b.w-2*pad)
	y := b.y + (b.h-float64(len(lines))*lh)/2
	for _, line := range lines {
		x := b.x + pad
		switch b.align {
		case AlignCenter:
			x = b.x + (b.w-measure(line))/2
		case AlignRight:
			x = b.x + b.w - pad - measure(line)
		}
		if line != "" {
			d.add(op{kind: opText, x: x, y: baseline(y, lh, size), text: line, size: size, bold: b.bold})
		}
		y += lh
	}
}

// boxHeight is the height a text needs in a cell of width w.
func (d *Doc) boxHeight(text string, w, size, pad float64, bold bool) float64 {
	lines := BreakLines(d.Measure(Style{Size: size, Bold: bold}), d.clean(text, bold), w-2*pad)
	return float64(max(len(lines), 1))*1.4*size*mmPerPt + 2*pad
}

// scopeName names the agencies a report covers.
func scopeName(as []cases.Agency) string {
	switch len(as) {
	case 0:
		return ""
	case 1:
		return as[0].Name
	}
	return fmt.Sprintf("%s等%d个机关（汇总）", as[0].Name, len(as))
}

func zoneOf(as []cases.Agency) *time.Location {
	if len(as) > 0 {
		return as[0].Settings.Location()
	}
	return cases.Settings{}.Location()
}

// AnnualPDF renders the annual report: table 三 in the official layout with the check of every
// column, table 四, and the fees collected. generated is printed as the time of generation.
func AnnualPDF(font, bold *Font, rep cases.AnnualReport, generated time.Time) ([]byte, error) {
	if font == nil {
		return nil, fmt.Errorf("forms: no font loaded")
	}
	loc := zoneOf(rep.Scope)
	name := scopeName(rep.Scope)
	d := NewDoc(font, bold, Layout{Margins: reportMargins, PageNumbers: true,
		HeaderLeft:  fmt.Sprintf("%s %d年度政府信息公开工作年度报告", name, rep.Year),
		HeaderRight: "生成时间：" + generated.In(loc).Format("2006-01-02 15:04"),
		Title:       fmt.Sprintf("%d年度政府信息公开工作年度报告", rep.Year), Date: generated})
	d.Text(name, Style{Size: 12, Align: AlignCenter})
	d.Text(fmt.Sprintf("%d年度政府信息公开工作年度报告（依申请公开部分）", rep.Year), Style{Size: 16, Bold: true, Align: AlignCenter})
	d.Space(3)
	d.Text("三、收到和处理政府信息公开申请情况", Style{Size: 12, Bold: true})
	d.Space(1)
	d.table3(rep)
	d.Space(2)
	d.checkTable(rep)
	d.Space(5)
	d.Ensure(45)
	d.Text("四、政府信息公开行政复议、行政诉讼情况", Style{Size: 12, Bold: true})
	d.Space(1)
	d.table4(rep)
	d.Space(5)
	d.Ensure(25)
	d.Text("信息处理费收取情况（《政府信息公开信息处理费管理办法》，按实际缴费日期计入本年度）", Style{Size: 12, Bold: true})
	d.Space(1)
	d.Table(Table{Size: 9, Columns: []Column{{Header: "计收方式", Width: 60}, {Header: "金额（元）", Width: 40, Align: AlignRight}}, Rows: [][]string{
		{"按件计收", strconv.Itoa(rep.Fees.PerRequest)},
		{"按量计收", strconv.Itoa(rep.Fees.PerPage)},
		{"合计", strconv.Itoa(rep.Fees.Collected)},
	}})
	d.Space(4)
	d.Text("说明：办结日期为进入“已答复”或“已终止”状态之日；重新办理的申请按重新办理之日作为新收申请计算。表四按本年度提出的行政复议、行政诉讼统计，其结果以12月31日前作出的为准，此后作出的计为尚未审结。", Style{Size: 8.5, Gray: 80})
	return d.PDF()
}

// table3 draws table 三 as one block.
func (d *Doc) table3(rep cases.AnnualReport) {
	const size, pad = 8.5, 1.2
	x0 := d.m.Left
	w := d.Width()
	c1, c2 := 13.0, 21.0
	numW := 14.5
	c3 := w - c1 - c2 - 7*numW
	xn := x0 + c1 + c2 + c3 // first number column
	lines := cases.Table3Lines()
	// the height of each body line
	type rowLayout struct {
		line  cases.Table3Line
		y, h  float64
		group string // the group label the row sits under ("" for none)
		inRes bool   // under 三、本年度办理结果
	}
	var rows []rowLayout
	inRes := false
	for _, l := range lines {
		if l.Key == "" {
			inRes = inRes || strings.HasPrefix(l.Label, "三、")
			continue
		}
		group := ""
		if o, ok := cases.FindOutcome(l.Key); ok {
			group = o.Group
		}
		if l.Key == cases.RowNew || l.Key == cases.RowCarriedIn || l.Key == cases.RowCarriedOut {
			inRes = false
		}
		r := rowLayout{line: l, group: group, inRes: inRes}
		lw := c1 + c2 + c3
		switch {
		case !inRes:
		case group == "":
			lw = c2 + c3
		default:
			lw = c3
		}
		r.h = max(d.boxHeight(l.Label, lw, size, pad, false), 6)
		rows = append(rows, r)
	}
	headH := []float64{6, 6, 9}
	total := headH[0] + headH[1] + headH[2]
	for _, r := range rows {
		total += r.h
	}
	d.Ensure(total)
	y := d.y
	// header
	hb := func(x, y, w, h float64, t string) {
		d.drawBox(box{x: x, y: y, w: w, h: h, text: t, align: AlignCenter, bold: true, shade: true}, 8, pad)
	}
	hb(x0, y, c1+c2+c3, headH[0]+headH[1]+headH[2], "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
	hb(xn, y, 7*numW, headH[0], "申请人情况")
	hb(xn, y+headH[0], numW, headH[1]+headH[2], cases.Table3ColumnLabels[0])
	hb(xn+numW, y+headH[0], 5*numW, headH[1], "法人或其他组织")
	for i := 1; i <= 5; i++ {
		hb(xn+float64(i)*numW, y+headH[0]+headH[1], numW, headH[2], cases.Table3ColumnLabels[i])
	}
	hb(xn+6*numW, y+headH[0], numW, headH[1]+headH[2], cases.Table3ColumnLabels[6])
	y += headH[0] + headH[1] + headH[2]
	// body
	resTop, resH := 0.0, 0.0
	groupTop, groupH, groupLabel := 0.0, 0.0, ""
	flushGroup := func() {
		if groupLabel != "" {
			d.drawBox(box{x: x0 + c1, y: groupTop, w: c2, h: groupH, text: groupLabel, align: AlignCenter}, size, pad)
		}
		groupLabel, groupH = "", 0
	}
	for _, r := range rows {
		lx, lw := x0, c1+c2+c3
		if r.inRes {
			if resH == 0 {
				resTop = y
			}
			resH += r.h
			lx, lw = x0+c1, c2+c3
			if r.group != "" {
				if r.group != groupLabel {
					flushGroup()
					groupLabel, groupTop = r.group, y
				}
				groupH += r.h
				lx, lw = x0+c1+c2, c3
			} else {
				flushGroup()
			}
		} else {
			flushGroup()
		}
		d.drawBox(box{x: lx, y: y, w: lw, h: r.h, text: r.line.Label}, size, pad)
		for i, c := range cases.Table3Columns {
			d.drawBox(box{x: xn + float64(i)*numW, y: y, w: numW, h: r.h, text: strconv.Itoa(rep.Table3[r.line.Key][c]), align: AlignCenter,
				bold: r.line.Key == cases.RowTotal}, size, pad)
		}
		y += r.h
	}
	flushGroup()
	if resH > 0 {
		d.drawBox(box{x: x0, y: resTop, w: c1, h: resH, text: "三、本年度办理结果", align: AlignCenter}, size, pad)
	}
	d.y = y
}

// checkTable prints the check of every column: 一 + 二 and （七） + 四, and whether they agree.
func (d *Doc) checkTable(rep cases.AnnualReport) {
	const size, pad = 8.5, 1.2
	x0 := d.m.Left
	numW := 14.5
	lw := d.Width() - 7*numW
	rowsT := []struct {
		label string
		val   func(cases.ColumnCheck) string
	}{
		{"勾稽关系校验：一＋二", func(c cases.ColumnCheck) string { return strconv.Itoa(c.NewPlusCarriedIn) }},
		{"（七）＋四", func(c cases.ColumnCheck) string { return strconv.Itoa(c.TotalPlusCarriedOut) }},
		{"校验结果", func(c cases.ColumnCheck) string {
			if c.OK {
				return "相符"
			}
			return "不符"
		}},
	}
	d.Ensure(3 * 6)
	y := d.y
	for _, r := range rowsT {
		d.drawBox(box{x: x0, y: y, w: lw, h: 6, text: r.label, align: AlignRight, shade: true}, size, pad)
		for i, c := range cases.Table3Columns {
			d.drawBox(box{x: x0 + lw + float64(i)*numW, y: y, w: numW, h: 6, text: r.val(rep.Check[c]), align: AlignCenter, bold: !rep.Check[c].OK}, size, pad)
		}
		y += 6
	}
	d.y = y
}

// table4 draws table 四: 行政复议 and 行政诉讼 (未经复议直接起诉 / 复议后起诉), each with 结果维持,
// 结果纠正, 其他结果, 尚未审结, 总计.
func (d *Doc) table4(rep cases.AnnualReport) {
	const size, pad = 8, 0.8
	x0 := d.m.Left
	cw := d.Width() / 15
	heads := []float64{6, 6, 10}
	d.Ensure(heads[0] + heads[1] + heads[2] + 7)
	y := d.y
	hb := func(x, y, w, h float64, t string) {
		d.drawBox(box{x: x, y: y, w: w, h: h, text: t, align: AlignCenter, bold: true, shade: true}, 7.5, 0.5)
	}
	hb(x0, y, 5*cw, heads[0]+heads[1], "行政复议")
	hb(x0+5*cw, y, 10*cw, heads[0], "行政诉讼")
	hb(x0+5*cw, y+heads[0], 5*cw, heads[1], "未经复议直接起诉")
	hb(x0+10*cw, y+heads[0], 5*cw, heads[1], "复议后起诉")
	labels := []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}
	for k := 0; k < 3; k++ {
		for i, l := range labels {
			hb(x0+float64(k*5+i)*cw, y+heads[0]+heads[1], cw, heads[2], l)
		}
	}
	y += heads[0] + heads[1] + heads[2]
	for k, kind := range cases.RemedyKinds {
		for i, res := range cases.Table4Results {
			d.drawBox(box{x: x0 + float64(k*5+i)*cw, y: y, w: cw, h: 7, text: strconv.Itoa(rep.Table4[kind.Code][res]), align: AlignCenter}, size, pad)
		}
	}
	d.y = y + 7
}

// MonthlyIndicators are the lines of the monthly statistics besides the outcomes, in order.
var monthlyIndicators = []struct {
	label string
	value func(f cases.MonthlyFigures) string
}{
	{"本月收到申请数", func(f cases.MonthlyFigures) string { return strconv.Itoa(f.Received) }},
	{"本月办结数", func(f cases.MonthlyFigures) string { return strconv.Itoa(f.Concluded) }},
	{"其中：作出答复数", func(f cases.MonthlyFigures) string { return strconv.Itoa(f.Replied) }},
	{"答复已送达数", func(f cases.MonthlyFigures) string { return strconv.Itoa(f.Delivered) }},
	{"按期答复数（送达日不晚于答复期限）", func(f cases.MonthlyFigures) string { return strconv.Itoa(f.OnTime) }},
	{"逾期答复数", func(f cases.MonthlyFigures) string { return strconv.Itoa(f.Late) }},
	{"平均办理工作日（不含中止期间）", func(f cases.MonthlyFigures) string { return strconv.FormatFloat(f.AvgWorkdays, 'f', 1, 64) }},
	{"中止次数（征求意见、缴费）", func(f cases.MonthlyFigures) string { return strconv.Itoa(f.Paused) }},
	{"延期答复数", func(f cases.MonthlyFigures) string { return strconv.Itoa(f.Extended) }},
	{"月末逾期未办结数", func(f cases.MonthlyFigures) string { return strconv.Itoa(f.OverdueOpen) }},
}

// monthlyColumns are the figures printed side by side: each agency (when more than one), then the sum.
func monthlyColumns(st cases.MonthlyStats) ([]string, []cases.MonthlyFigures) {
	var heads []string
	var figs []cases.MonthlyFigures
	if len(st.Agencies) > 1 {
		for _, a := range st.Agencies {
			heads, figs = append(heads, a.AgencyName), append(figs, a)
		}
		heads, figs = append(heads, "合计"), append(figs, st.Total)
	} else {
		name := "本机关"
		if len(st.Agencies) == 1 {
			name = st.Agencies[0].AgencyName
		}
		heads, figs = append(heads, name), append(figs, st.Total)
	}
	return heads, figs
}

// MonthlyCSV writes the monthly statistics (UTF-8): a header line (the month, then one column per
// agency and, with several agencies, 合计), one line per indicator, then one per outcome.
func MonthlyCSV(w io.Writer, st cases.MonthlyStats) error {
	cw := csv.NewWriter(w)
	heads, figs := monthlyColumns(st)
	rec := cases.SpreadsheetRecord(append([]string{fmt.Sprintf("%d年%d月", st.Year, st.Month)}, heads...))
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, ind := range monthlyIndicators {
		rec := []string{ind.label}
		for _, f := range figs {
			rec = append(rec, ind.value(f))
		}
		cw.Write(rec)
	}
	for _, o := range cases.Outcomes {
		rec := []string{"办结：" + o.Label()}
		for _, f := range figs {
			rec = append(rec, strconv.Itoa(f.ByOutcome[o.Code]))
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// MonthlyPDF renders the monthly statistics for the superior disclosure office: the indicators per
// agency and summed, then the conclusions by outcome.
func MonthlyPDF(font, bold *Font, st cases.MonthlyStats, scope []cases.Agency, generated time.Time) ([]byte, error) {
	if font == nil {
		return nil, fmt.Errorf("forms: no font loaded")
	}
	loc := zoneOf(scope)
	d := NewDoc(font, bold, Layout{Margins: reportMargins, PageNumbers: true,
		HeaderLeft:  fmt.Sprintf("%s %d年%d月政府信息公开申请办理情况统计", scopeName(scope), st.Year, st.Month),
		HeaderRight: "生成时间：" + generated.In(loc).Format("2006-01-02 15:04"),
		Title:       fmt.Sprintf("%d年%d月政府信息公开申请办理情况统计", st.Year, st.Month), Date: generated})
	d.Text(scopeName(scope), Style{Size: 12, Align: AlignCenter})
	d.Text(fmt.Sprintf("%d年%d月政府信息公开申请办理情况统计", st.Year, st.Month), Style{Size: 16, Bold: true, Align: AlignCenter})
	d.Text(fmt.Sprintf("统计期间：%s至%s；逾期未办结按%s统计", st.From.Chinese(), st.To.Chinese(), st.AsOf.Chinese()), Style{Size: 10, Align: AlignCenter, Gray: 60})
	d.Space(4)
	heads, figs := monthlyColumns(st)
	const per = 5 // agency columns per table
	for start := 0; start < len(heads); start += per {
		end := min(start+per, len(heads))
		cols := func(first string) []Column {
			cs := []Column{{Header: first, Width: 92}}
			for _, h := range heads[start:end] {
				cs = append(cs, Column{Header: h, Align: AlignCenter})
			}
			return cs
		}
		var rows [][]string
		for _, ind := range monthlyIndicators {
			row := []string{ind.label}
			for _, f := range figs[start:end] {
				row = append(row, ind.value(f))
			}
			rows = append(rows, row)
		}
		d.Table(Table{Size: 8.5, Columns: cols("指标"), Rows: rows})
		d.Space(4)
		rows = nil
		for _, o := range cases.Outcomes {
			row := []string{o.Label()}
			for _, f := range figs[start:end] {
				row = append(row, strconv.Itoa(f.ByOutcome[o.Code]))
			}
			rows = append(rows, row)
		}
		d.Table(Table{Size: 8.5, Columns: cols("本月办结情况（按办理结果）"), Rows: rows})
		d.Space(4)
	}
	d.Text("说明：按期答复指送达日期不晚于答复期限；平均办理工作日为收到申请至办结之间的工作日，扣除征求意见和缴费中止期间；重新办理的申请按重新办理之日计为新收。", Style{Size: 8.5, Gray: 80})
	return d.PDF()
}

// The report renderers as methods of the letter Renderer (cases.ReportRenderer), so that whoever
// holds the Renderer renders the reports with the same fonts.
var _ cases.ReportRenderer = (*Renderer)(nil)

// AnnualPDF renders the annual report (see the function AnnualPDF).
func (r *Renderer) AnnualPDF(rep cases.AnnualReport, generated time.Time) ([]byte, error) {
	return AnnualPDF(r.font, r.bold, rep, generated)
}

// MonthlyPDF renders the monthly statistics (see the function MonthlyPDF).
func (r *Renderer) MonthlyPDF(st cases.MonthlyStats, scope []cases.Agency, generated time.Time) ([]byte, error) {
	return MonthlyPDF(r.font, r.bold, st, scope, generated)
}

// MonthlyCSV writes the monthly statistics (see the function MonthlyCSV).
func (r *Renderer) MonthlyCSV(w io.Writer, st cases.MonthlyStats) error { return MonthlyCSV(w, st) }
