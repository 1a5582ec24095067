package forms

import (
	"bytes"
	"strings"
	"testing"
	"time"

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
