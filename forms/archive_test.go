package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"foidesk/archive"
	cases "foidesk/case"
)

func archiveFixture() (archive.Metadata, []archive.Item, []cases.Event) {
	m := archive.Metadata{ArchivalCode: "Z001-WS·2026-D30-WJ-0007", FondsNo: "Z001", Year: 2026, Retention: "30年", Organisation: "望城区人民政府办公室",
		OrgCode: "WJ", ItemNo: 7, Title: "关于张三申请公开“某路段拓宽工程的立项批复文件”的答复（予以公开）", Responsible: "望城区人民政府办公室",
		DocumentNo: "望政公开答〔2026〕3号", Date: cases.MustDate("2026-03-20"), Pages: 6, TrackingNo: "GK2026000042", OutcomeLabel: "予以公开",
		Version: 1, ArchivedOn: cases.MustDate("2026-03-30"), TimeZone: "Asia/Shanghai"}
	items := []archive.Item{
		{Seq: 1, Kind: cases.DocApplicationForm, Responsible: "张三", Title: "政府信息公开申请表", Date: cases.MustDate("2026-03-02"), Pages: 2},
		{Seq: 2, Kind: cases.DocReceipt, Responsible: "望城区人民政府办公室", Number: "政公开登〔2026〕12号", Title: "登记回执", Date: cases.MustDate("2026-03-02"), Pages: 1},
		{Seq: 3, Kind: cases.DocConsultationLetter, Responsible: "望城区人民政府办公室", Number: "政公开征〔2026〕2号", Title: "征求意见书（望城区交通运输局）", Date: cases.MustDate("2026-03-05"), Pages: 1},
		{Seq: 4, Kind: cases.DocReply, Responsible: "望城区人民政府办公室", Number: "望政公开答〔2026〕3号", Title: "政府信息公开申请答复书", Date: cases.MustDate("2026-03-20"), Pages: 2},
	}
	at := time.Date(2026, 3, 2, 1, 2, 3, 0, time.UTC)
	var evs []cases.Event
	for i, e := range []struct{ ev, from, to, payload string }{
		{"register", "", "registered", `{"channel":"in_person"}`},
		{"consult", "in_progress", "consulting", `{"parties":[{"kind":"agency","name":"望城区交通运输局"}]}`},
		{"approve", "pending_approval", "replied", `{"opinion":"同意。"}`},
		{"archive", "replied", "archived", `{"item_no":7,"year":2026}`},
	} {
		evs = append(evs, cases.Event{Seq: i + 1, Event: cases.EventName(e.ev), Actor: "clerk1", At: at.Add(time.Duration(i) * 48 * time.Hour), FromState: cases.State(e.from), ToState: cases.State(e.to),
			Payload: json.RawMessage(e.payload), ReplyDueBefore: cases.MustDate("2026-03-30"), ReplyDueAfter: cases.MustDate("2026-04-13"),
			Hash: fmt.Sprintf("%064x", i+1)})
	}
	return m, items, evs
}

// The package's PDFs: what DA/T 22-2015 asks of a 卷内文件目录 and an 归档文件目录, the history with
// every event, each the same bytes when rendered again, and pages as archive.PageCount counts them.
func TestArchivePDFs(t *testing.T) {
	font, bold := requireFonts(t)
	r := NewRenderer(font, bold)
	m, items, evs := archiveFixture()
	at := evs[len(evs)-1].At
	cat, err := r.CaseCatalogue(m, items, at)
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "archive-catalogue", cat)
	text := pdfText(t, cat, false, 0, 0) + pdfText(t, cat, true, 0, 0)
	for _, want := range []string{"卷内文件目录", "Z001-WS·2026-D30-WJ-0007", "件号", "责任者", "文号", "题名", "日期", "页数", "0007", "望政公开答〔2026〕3号",
		"20260320", "30年", "政公开征〔2026〕2号"} {
		if !strings.Contains(text, want) {
			t.Errorf("目录.pdf lacks %q:\n%s", want, text)
		}
	}
	if again, _ := r.CaseCatalogue(m, items, at); !bytes.Equal(cat, again) {
		t.Error("目录.pdf differs when rendered again")
	}
	if got, want := archive.PageCount(cat), pageCount(t, cat); got != want {
		t.Errorf("PageCount %d, poppler %d", got, want)
	}

	hist, err := r.History(m, evs, at)
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "archive-history", hist)
	text = pdfText(t, hist, false, 0, 0)
	for _, want := range []string{"办理过程记录", "征求意见", "望城区交通运输局", "审批通过", "opinion：同意。", "已答复→已归档", "2026-03-30→2026-04-13", "2026-03-02 09:02:03"} {
		if !strings.Contains(text, want) {
			t.Errorf("history.pdf lacks %q:\n%s", want, text)
		}
	}

	tr := archive.Transfer{Year: 2026, Agencies: []cases.Agency{{Code: "wj", Name: "望城区人民政府办公室", Settings: cases.Settings{FondsNo: "Z001"}}}}
	for i := range 60 {
		mm := m
		mm.ItemNo = i + 1
		mm.ArchivalCode = archive.ArchivalCode("Z001", 2026, "30年", "WJ", i+1)
		tr.Rows = append(tr.Rows, archive.TransferRow{Metadata: mm})
	}
	tc, err := r.TransferCatalogue(tr, at)
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "archive-transfer", tc)
	text = pdfText(t, tc, false, 0, 0)
	for _, want := range []string{"归档文件目录", "全宗号：Z001", "年度：2026", "共60件360页", "Z001-WS·2026-D30-WJ-0060", "保管期限"} {
		if !strings.Contains(text, want) {
			t.Errorf("transfer 目录.pdf lacks %q", want)
		}
	}
	if n := pageCount(t, tc); n < 2 || archive.PageCount(tc) != n {
		t.Errorf("transfer catalogue: %d pages, PageCount %d", n, archive.PageCount(tc))
	}
}
