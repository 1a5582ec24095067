package forms

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	cases "foidesk/case"
)

// fixtureAnnual is a report of demo-like figures: every row and column filled, balanced.
func fixtureAnnual() cases.AnnualReport {
	rep := cases.NewAnnualReport(2025)
	rep.Scope = []cases.Agency{fixtureAgency()}
	for i, o := range cases.Outcomes {
		for j, c := range cases.Table3Columns[:6] {
			n := (i*7 + j*3) % 5
			if o.Code == "disclose" {
				n += 20 + j
			}
			rep.Add(o.Code, c, n)
			rep.Add(cases.RowNew, c, n)
		}
	}
	for j, c := range cases.Table3Columns[:6] {
		rep.Add(cases.RowCarriedIn, c, j+1)
		rep.Add(cases.RowNew, c, 2)
		rep.Add(cases.RowCarriedOut, c, j+3)
	}
	rep.Table4["reconsideration"]["upheld"] = 3
	rep.Table4["reconsideration"]["corrected"] = 1
	rep.Table4["litigation_direct"]["pending"] = 2
	rep.Table4["litigation_after_reconsideration"]["other"] = 1
	rep.Fees = cases.ReportFees{PerRequest: 300, PerPage: 4700}
	rep.Finish()
	return rep
}

func TestAnnualPDF(t *testing.T) {
	font, bold := requireFonts(t)
	rep := fixtureAnnual()
	if !rep.Balanced() {
		t.Fatalf("fixture not balanced: %+v", rep.Check)
	}
	pdf, err := AnnualPDF(font, bold, rep, time.Date(2026, 1, 20, 1, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "annual-2025", pdf)
	requireTool(t, "pdftotext")
	text := pdfText(t, pdf, false, 0, 0)
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"2025年度政府信息公开工作年度报告", "法人或其他组织", "商业企业", "科研机构", "自然人",
		"一、本年新收政府信息公开申请数量", "1.属于国家秘密", "危及“三安全一稳定”",
		"（七）总计", "四、结转下年度继续办理", "勾稽关系校验：一＋二", "相符", "行政复议", "未经复议直接起诉", "复议后起诉",
		"尚未审结", "按件计收", "4700", "5000", "生成时间：2026-01-2009:00"} {
		if !strings.Contains(flat, want) {
			t.Errorf("annual PDF lacks %q", want)
		}
	}
	if strings.Contains(flat, "不符") {
		t.Errorf("a balanced report shows 不符")
	}
	if n := pageCount(t, pdf); n > 2 {
		t.Errorf("%d pages", n)
	}
}

func TestMonthly(t *testing.T) {
	st := cases.MonthlyStats{Year: 2026, Month: 1, From: cases.MustDate("2026-01-01"), To: cases.MustDate("2026-01-31"), AsOf: cases.MustDate("2026-01-31")}
	for i, code := range []string{"a", "b"} {
		f := cases.MonthlyFigures{Agency: code, AgencyName: "机关" + code, Received: 10 + i, Concluded: 8, ByOutcome: cases.NewOutcomeCounts(), Replied: 6, Delivered: 6, OnTime: 5, Late: 1, Paused: 1, Extended: i, OverdueOpen: 2}
		f.ByOutcome["disclose"] = 5
		f.ByOutcome["other.other"] = 3
		f.AddDays(10)
		f.AddDays(13)
		st.Agencies = append(st.Agencies, f)
	}
	st.Total = cases.MonthlyFigures{ByOutcome: cases.NewOutcomeCounts()}
	for _, f := range st.Agencies {
		st.Total.Plus(f)
	}
	var buf bytes.Buffer
	if err := MonthlyCSV(&buf, st); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if lines[0] != "2026年1月,机关a,机关b,合计" || lines[1] != "本月收到申请数,10,11,21" || !strings.Contains(buf.String(), "办结：（一）予以公开,5,5,10") ||
		!strings.Contains(buf.String(), "平均办理工作日（不含中止期间）,11.5,11.5,11.5") || len(lines) != 1+10+len(cases.Outcomes) {
		t.Errorf("monthly csv:\n%s", buf.String())
	}
	font, bold := requireFonts(t)
	pdf, err := MonthlyPDF(font, bold, st, []cases.Agency{fixtureAgency(), fixtureSibling()}, time.Date(2026, 2, 2, 1, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "monthly-2026-01", pdf)
	requireTool(t, "pdftotext")
	flat := strings.Join(strings.Fields(pdfText(t, pdf, false, 0, 0)), "")
	for _, want := range []string{"2026年1月政府信息公开申请办理情况统计", "机关a", "合计", "按期答复数", "（六）其他处理3.其他"} {
		if !strings.Contains(flat, want) {
			t.Errorf("monthly PDF lacks %q", want)
		}
	}
}

func fixtureLedger(n int) cases.Ledger {
	l := cases.Ledger{From: cases.MustDate("2026-01-01"), To: cases.MustDate("2026-01-31"), By: cases.ByReceived,
		GeneratedAt: time.Date(2026, 2, 2, 1, 30, 0, 0, time.UTC), Agencies: []cases.Agency{fixtureAgency()}}
	yes, no := true, false
	for i := 0; i < n; i++ {
		r := cases.LedgerRow{Serial: i + 1, Agency: "wcbgs", TrackingNo: fmt.Sprintf("GK2026%06d", i+1), ReceivedOn: cases.MustDate("2026-01-05").AddDays(i % 25),
			Channel: cases.Channels[i%len(cases.Channels)].Code, ApplicantKind: cases.KindPerson, ApplicantName: "王建国", IDType: cases.IDResident,
			IDNumber: "4301**********1004", Phone: "138****8000", Summary: "申请公开2025年本区老旧小区改造项目的资金使用情况及招标文件、中标结果和验收报告……",
			Clerk: "clerk1", State: cases.StateReplied, Handling: 1, ReplyDue: cases.MustDate("2026-02-03"), ChainHead: fmt.Sprintf("%064x", i),
			Pauses: []cases.LedgerPause{}, Remedies: []cases.Remedy{}}
		switch i % 4 {
		case 0:
			r.Outcome, r.ConcludedOn, r.LetterNo = "disclose", cases.MustDate("2026-01-20"), fmt.Sprintf("望政公开〔2026〕%d号", i+1)
			r.DeliveryWay, r.DeliveredOn, r.OnTime = "post", cases.MustDate("2026-01-21"), &yes
			r.DeliveryProof = &cases.DeliveryProof{Kind: "ems", Number: "EA564634076CN"}
			r.ArchivedOn = cases.MustDate("2026-01-28")
		case 1:
			r.ApplicantKind, r.OrgCategory, r.ApplicantName, r.IDType, r.IDNumber = cases.KindOrganization, "legal_service", "湖南望城律师事务所", cases.IDCredit, "31430000MD0123456G"
			r.Extended, r.ExtendedDays = true, 15
			r.Pauses = []cases.LedgerPause{{Kind: "consultation", Start: cases.MustDate("2026-01-08"), End: cases.MustDate("2026-01-23"), Days: 11}, {Kind: "fee", Start: cases.MustDate("2026-01-26")}}
			r.State = cases.StateAwaitingFee
		case 2:
			r.Outcome, r.ConcludedOn, r.LetterNo = "withhold.security_stability", cases.MustDate("2026-02-10"), fmt.Sprintf("望政公开〔2026〕%d号", i+1)
			r.DeliveryWay, r.DeliveredOn, r.OnTime = "email", cases.MustDate("2026-02-11"), &no
			r.Remedies = []cases.Remedy{{Kind: "reconsideration", Result: "corrected", FiledOn: cases.MustDate("2026-02-15"), DecidedOn: cases.MustDate("2026-03-20")}}
		case 3:
			r.State, r.Overdue, r.ConcludedOn = cases.StateInProgress, true, cases.Date{}
			r.Pauses = []cases.LedgerPause{{Kind: "correction", Start: cases.MustDate("2026-01-08"), End: cases.MustDate("2026-01-12"), Days: 2}}
		}
		l.Rows = append(l.Rows, r)
	}
	l.Digest = cases.LedgerDigest(l.Rows)
	return l
}

func TestLedgerExports(t *testing.T) {
	l := fixtureLedger(60)
	var buf bytes.Buffer
	if err := LedgerCSV(&buf, l); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF序号,机关,申请编号,收到日期")) {
		t.Errorf("csv head %q", buf.String()[:40])
	}
	if n := strings.Count(buf.String(), "\r\n"); n != 61 {
		t.Errorf("csv lines %d", n)
	}
	if !strings.Contains(buf.String(), "行政复议：纠正（2026-03-20）") || !strings.Contains(buf.String(), "征求意见11个工作日；缴费（进行中）") {
		t.Errorf("csv content")
	}
	buf.Reset()
	if err := LedgerXLSX(&buf, l); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("台账")
	if len(rows) != 61 || rows[0][2] != "申请编号" || rows[1][2] != "GK2026000001" {
		t.Errorf("xlsx rows %d %v", len(rows), rows[0])
	}
	// The delivery proof is the last column, after the columns docs/api.md "Ledger exports" fixes.
	if len(rows[0]) != 26 || rows[0][24] != "事件链头" || rows[0][25] != "送达凭证" || len(rows[1]) != 26 || rows[1][25] != "EMS EA564634076CN" {
		t.Errorf("xlsx proof column: %v / %v", rows[0], rows[1])
	}
	if v, _ := x.GetCellValue("说明", "B6"); v != l.Digest {
		t.Errorf("xlsx digest %q", v)
	}
	font, bold := requireFonts(t)
	pdf, err := LedgerPDF(font, bold, l)
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "ledger", pdf)
	requireTool(t, "pdftotext")
	pages := pageCount(t, pdf)
	if pages < 2 {
		t.Fatalf("%d pages", pages)
	}
	for p := 1; p <= pages; p++ {
		text := strings.Join(strings.Fields(pdfText(t, pdf, false, p, p)), "")
		for _, want := range []string{"申请编号", "办理结果", "答复期限", fmt.Sprintf("第%d页共%d页", p, pages), "2026-01-01至2026-01-31（按收到日期）", "生成时间：2026-02-0209:30"} {
			if !strings.Contains(text, want) {
				t.Errorf("page %d lacks %q", p, want)
			}
		}
	}
	first := strings.Join(strings.Fields(pdfText(t, pdf, false, 1, 1)), "")
	if !strings.Contains(first, "链摘要（SHA-256）："+l.Digest) {
		t.Errorf("the first page lacks the digest")
	}
}
