package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"foidesk/archive"
	cases "foidesk/case"
	"foidesk/workflow"
)

// The archival package's PDFs (docs/operations.md "Archive"): the 卷内文件目录 of one case, its
// history, and the 归档文件目录 of a year's transfer, laid out after DA/T 22-2015 (dates as
// YYYYMMDD, 档号 and 件号 as the standard writes them). Each is dated at the time it is given, so
// that the same case gives the same bytes.

var _ archive.Renderer = (*Renderer)(nil)

// archiveDate is a date as DA/T 22-2015 writes it: 20260320.
func archiveDate(d cases.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("20060102")
}

// CaseCatalogue renders the 卷内文件目录 of one case: its archival description and one row per
// document (件号, 序号, 责任者, 文号, 题名, 日期, 页数, 备注).
func (r *Renderer) CaseCatalogue(m archive.Metadata, items []archive.Item, at time.Time) ([]byte, error) {
	if r.font == nil {
		return nil, fmt.Errorf("forms: no font loaded")
	}
	d := NewDoc(r.font, r.bold, Layout{Margins: Margins{Top: 22, Right: 18, Bottom: 20, Left: 22}, PageNumbers: true,
		HeaderLeft: "档号：" + m.ArchivalCode, HeaderRight: "申请编号：" + m.TrackingNo, Title: "卷内文件目录 " + m.ArchivalCode, Date: at})
	d.Text("卷内文件目录", Style{Size: 18, Bold: true, Align: AlignCenter})
	d.Space(3)
	fonds := m.FondsNo
	if fonds == "" {
		fonds = "（未设置）"
	}
	head := [][]string{
		{"档号", m.ArchivalCode, "全宗号", fonds},
		{"年度", strconv.Itoa(m.Year), "件号", fmt.Sprintf("%04d", m.ItemNo)},
		{"保管期限", m.Retention, "机构（问题）", m.Organisation},
		{"题名", m.Title},
		{"责任者", m.Responsible, "文号", m.DocumentNo},
		{"日期", archiveDate(m.Date), "页数", strconv.Itoa(m.Pages)},
		{"办理结果", m.OutcomeLabel, "版本", fmt.Sprintf("第%d版（归档日期%s）", m.Version, archiveDate(m.ArchivedOn))},
	}
	d.Table(Table{Columns: []Column{{Width: 22, Shade: true}, {}, {Width: 24, Shade: true}, {Width: 52}}, Rows: head, Size: 9.5})
	d.Space(4)
	rows := make([][]string, len(items))
	for i, it := range items {
		note := cases.DocKinds.Label(it.Kind, "zh")
		if strings.HasPrefix(it.Title, note) {
			note = ""
		}
		rows[i] = []string{fmt.Sprintf("%04d", m.ItemNo), strconv.Itoa(it.Seq), it.Responsible, it.Number, it.Title, archiveDate(it.Date),
			strconv.Itoa(it.Pages), note}
	}
	if len(rows) == 0 {
		rows = [][]string{{"", "本件没有存储的文件。"}}
	}
	d.Table(Table{Columns: []Column{
		{Header: "件号", Width: 11, Align: AlignCenter}, {Header: "序号", Width: 9, Align: AlignCenter}, {Header: "责任者", Width: 30},
		{Header: "文号", Width: 35}, {Header: "题名"}, {Header: "日期", Width: 16, Align: AlignCenter}, {Header: "页数", Width: 9, Align: AlignCenter},
		{Header: "备注", Width: 16}}, Rows: rows, Size: 8, Padding: 1})
	d.Space(3)
	d.Text(fmt.Sprintf("本件共%d份文件，%d页。文件按办理顺序排列，以存储时的原始字节收入本卷宗（documents/），各文件的SHA-256见manifest.json。", len(items), m.Pages),
		Style{Size: 8.5, Gray: 60})
	return d.PDF()
}

// History renders the case's history: every event with its time (in the agency's zone), actor,
// states, reply deadline before and after, payload and hash.
func (r *Renderer) History(m archive.Metadata, events []cases.Event, at time.Time) ([]byte, error) {
	if r.font == nil {
		return nil, fmt.Errorf("forms: no font loaded")
	}
	loc := cases.Settings{TimeZone: m.TimeZone}.Location()
	d := NewDoc(r.font, r.bold, Layout{Landscape: true, Margins: Margins{Top: 16, Right: 10, Bottom: 14, Left: 10}, PageNumbers: true,
		HeaderLeft: "办理过程记录　申请编号：" + m.TrackingNo, HeaderRight: "档号：" + m.ArchivalCode, Title: "办理过程记录 " + m.TrackingNo, Date: at})
	d.Text("政府信息公开申请办理过程记录", Style{Size: 15, Bold: true, Align: AlignCenter})
	d.Text(fmt.Sprintf("申请编号：%s　档号：%s　共%d个事件", m.TrackingNo, m.ArchivalCode, len(events)), Style{Size: 9, Align: AlignCenter, Gray: 40})
	d.Space(2)
	state := func(s cases.State) string {
		if s == "" {
			return "—"
		}
		return s.Label("zh")
	}
	rows := make([][]string, len(events))
	for i, e := range events {
		states := state(e.FromState) + "→" + state(e.ToState)
		if e.FromState == e.ToState {
			states = state(e.ToState)
		}
		due := ledgerDate(e.ReplyDueBefore) + "→" + ledgerDate(e.ReplyDueAfter)
		if e.ReplyDueBefore.Equal(e.ReplyDueAfter) {
			due = ledgerDate(e.ReplyDueAfter)
		}
		rows[i] = []string{strconv.Itoa(e.Seq), e.At.In(loc).Format("2006-01-02 15:04:05"), workflow.EventLabel(e.Event, "zh") + "\n" + string(e.Event),
			e.Actor, states, due, payloadText(e.Payload), e.Hash[:min(16, len(e.Hash))]}
	}
	d.Table(Table{Columns: []Column{
		{Header: "序号", Width: 9, Align: AlignCenter}, {Header: "时间", Width: 30}, {Header: "事件", Width: 24}, {Header: "操作人", Width: 18},
		{Header: "状态", Width: 30}, {Header: "答复期限（前→后）", Width: 36}, {Header: "内容"}, {Header: "哈希（前16位）", Width: 30}},
		Rows: rows, Size: 7.5, Padding: 0.8})
	d.Space(3)
	d.Text("每个事件的哈希 = SHA-256（前一事件的哈希 ‖ 事件的规范JSON）；完整的哈希链见history.json，末事件的哈希与manifest.json的head_hash一致（foidesk archive verify 可离线核验）。",
		Style{Size: 7.5, Gray: 60})
	return d.PDF()
}

// payloadText is an event's payload for a reader: key: value lines, nested values as compact JSON.
func payloadText(p json.RawMessage) string {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(p, &obj); err != nil || len(obj) == 0 {
		if s := strings.TrimSpace(string(p)); s != "{}" && s != "" {
			return s
		}
		return ""
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("\n")
		}
		v := obj[k]
		var s string
		if json.Unmarshal(v, &s) != nil {
			var c bytes.Buffer
			if json.Compact(&c, v) == nil {
				s = c.String()
			} else {
				s = string(v)
			}
		}
		b.WriteString(k + "：" + s)
	}
	return b.String()
}

// TransferCatalogue renders the 归档文件目录 of a year's transfer (DA/T 22-2015 §8.3): one row
// per 件 with 档号, 文号, 责任者, 题名, 日期, 页数, 保管期限 and 备注 (the tracking number), per agency.
func (r *Renderer) TransferCatalogue(t archive.Transfer, at time.Time) ([]byte, error) {
	if r.font == nil {
		return nil, fmt.Errorf("forms: no font loaded")
	}
	names := agencyNames(t.Agencies)
	d := NewDoc(r.font, r.bold, Layout{Landscape: true, Margins: Margins{Top: 16, Right: 10, Bottom: 14, Left: 10}, PageNumbers: true,
		HeaderLeft: fmt.Sprintf("归档文件目录　%s　%d年度", names, t.Year), Title: fmt.Sprintf("归档文件目录 %d", t.Year), Date: at})
	d.Text("归档文件目录", Style{Size: 18, Bold: true, Align: AlignCenter})
	var fonds []string
	for _, a := range t.Agencies {
		if a.Settings.FondsNo != "" {
			fonds = append(fonds, a.Settings.FondsNo)
		}
	}
	line := fmt.Sprintf("全宗名称：%s　全宗号：%s　年度：%d　共%d件%d页", names, orDash(strings.Join(fonds, "、")), t.Year, len(t.Rows), t.Pages())
	d.Text(line, Style{Size: 9.5, Align: AlignCenter, Gray: 40})
	d.Space(2)
	rows := make([][]string, len(t.Rows))
	for i, row := range t.Rows {
		m := row.Metadata
		rows[i] = []string{m.ArchivalCode, m.DocumentNo, m.Responsible, m.Title, archiveDate(m.Date), strconv.Itoa(m.Pages), m.Retention,
			m.TrackingNo + versionNote(m.Version)}
	}
	if len(rows) == 0 {
		rows = [][]string{{"", "本年度没有归档的申请。"}}
	}
	d.Table(Table{Columns: []Column{
		{Header: "档号", Width: 46}, {Header: "文号", Width: 34}, {Header: "责任者", Width: 34}, {Header: "题名"},
		{Header: "日期", Width: 17, Align: AlignCenter}, {Header: "页数", Width: 10, Align: AlignCenter}, {Header: "保管期限", Width: 14, Align: AlignCenter},
		{Header: "备注", Width: 30}}, Rows: rows, Size: 8, Padding: 0.8})
	d.Space(3)
	d.Text("每件一个归档包（<申请编号>.zip），包内manifest.json列出每个文件的SHA-256和办理事件链的末哈希；index.csv为本目录的机读文本。", Style{Size: 8, Gray: 60})
	return d.PDF()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func versionNote(v int) string {
	if v <= 1 {
		return ""
	}
	return fmt.Sprintf("\n第%d版（重新办理后归档）", v)
}
