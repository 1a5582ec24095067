package forms

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pdfText extracts the text of a PDF with pdftotext (-layout unless raw), pages first..last
// (0: all).
func pdfText(t testing.TB, pdf []byte, raw bool, first, last int) string {
	t.Helper()
	tool := requireTool(t, "pdftotext")
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-layout"}
	if raw {
		args = []string{"-raw"}
	}
	if first > 0 {
		args = append(args, "-f", fmt.Sprint(first), "-l", fmt.Sprint(last))
	}
	out, err := exec.Command(tool, append(args, "-enc", "UTF-8", in, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pageCount counts the pages of a PDF by form feeds in pdftotext's output.
func pageCount(t testing.TB, pdf []byte) int {
	return strings.Count(pdfText(t, pdf, true, 0, 0), "\f")
}

func TestLoadFontErrors(t *testing.T) {
	_, err := LoadFont("/nonexistent/fonts/LXGWWenKai-Regular.ttf")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/fonts/LXGWWenKai-Regular.ttf") || !strings.Contains(err.Error(), FontPackage) {
		t.Errorf("missing font: error %v should name the path and %s", err, FontPackage)
	}
	bad := filepath.Join(t.TempDir(), "bad.ttf")
	if err := os.WriteFile(bad, []byte("this is not a font at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFont(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad font: error %v should name the path", err)
	}
}

func TestSubsetKeepsWidths(t *testing.T) {
	font, _ := requireFonts(t)
	runes := map[rune]bool{}
	for _, r := range "望城区人民政府喆堃犇珺ABCxyz0123“”（）。" {
		runes[r] = true
	}
	sub, err := parseFont(font.subset(runes))
	if err != nil {
		t.Fatalf("the subset does not parse: %v", err)
	}
	for r := range runes {
		if !sub.Has(r) || sub.Advance(r) != font.Advance(r) {
			t.Errorf("%c: subset has=%v advance %d, font %d", r, sub.Has(r), sub.Advance(r), font.Advance(r))
		}
	}
	if sub.Has('国') {
		t.Error("the subset holds a character it was not asked for")
	}
}

func TestDocTableAcrossPages(t *testing.T) {
	font, bold := requireFonts(t)
	d := NewDoc(font, bold, Layout{Landscape: true, HeaderLeft: "台账", PageNumbers: true, Title: "t", Date: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)})
	d.Text("政府信息公开申请台账", Style{Size: 16, Bold: true, Align: AlignCenter})
	rows := [][]string{}
	for i := range 60 {
		rows = append(rows, []string{fmt.Sprint(i + 1), fmt.Sprintf("GK2026%06d", i+1), strings.Repeat("关于望城区旧城改造项目征收补偿方案的政府信息", 1+i%3) + "（喆堃）", "予以公开"})
	}
	rows = append(rows, []string{"61", "GK2026000061", strings.Repeat("甲乙丙丁戊", 400), "部分公开"})
	d.Table(Table{Columns: []Column{
		{Header: "序号", Width: 14, Align: AlignCenter},
		{Header: "申请编号", Width: 36},
		{Header: "申请内容"},
		{Header: "办理结果", Width: 30},
	}, Rows: rows})
	pdf, err := d.PDF()
	if err != nil {
		t.Fatal(err)
	}
	saveArtifact(t, "table", pdf)
	n := pageCount(t, pdf)
	if n < 3 {
		t.Fatalf("%d pages, want the table to run over at least 3", n)
	}
	for p := 1; p <= n; p++ {
		text := pdfText(t, pdf, true, p, p)
		if !strings.Contains(text, "申请编号") || !strings.Contains(text, "办理结果") {
			t.Errorf("page %d lacks the repeated header row:\n%s", p, text)
		}
		if !strings.Contains(text, fmt.Sprintf("第%d页 共%d页", p, n)) {
			t.Errorf("page %d lacks its page number", p)
		}
	}
	all := strings.Join(strings.Fields(pdfText(t, pdf, true, 0, 0)), "")
	for _, r := range "甲乙丙丁戊" {
		if got, want := strings.Count(all, string(r)), 400; got != want {
			t.Errorf("the row split across pages shows %c %d times, want %d", r, got, want)
		}
	}
	for i := range 61 {
		if !strings.Contains(all, fmt.Sprintf("GK2026%06d", i+1)) {
			t.Errorf("row %d missing", i+1)
		}
	}
	again, _ := func() ([]byte, error) {
		d := NewDoc(font, bold, Layout{Landscape: true, HeaderLeft: "台账", PageNumbers: true, Title: "t", Date: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)})
		d.Text("政府信息公开申请台账", Style{Size: 16, Bold: true, Align: AlignCenter})
		d.Table(Table{Columns: []Column{{Header: "序号", Width: 14, Align: AlignCenter}, {Header: "申请编号", Width: 36}, {Header: "申请内容"}, {Header: "办理结果", Width: 30}}, Rows: rows})
		return d.PDF()
	}()
	if !bytes.Equal(pdf, again) {
		t.Error("the same document rendered twice gives different bytes")
	}
}

func TestDocReplacesUnprintable(t *testing.T) {
	font, bold := requireFonts(t)
	d := NewDoc(font, bold, Layout{})
	d.Text("张𠀀三\u200b（𪚥）\tend", Style{})
	pdf, err := d.PDF()
	if err != nil {
		t.Fatalf("PDF: %v", err)
	}
	text := pdfText(t, pdf, true, 0, 0)
	if !strings.Contains(text, "张〓三（〓） end") {
		t.Errorf("text = %q, want 张〓三（〓） end", text)
	}
	want := []string{"字符“𠀀”(U+20000) 无法显示，已以〓代替", "字符“𪚥”(U+2A6A5) 无法显示，已以〓代替"}
	if got := d.Warnings(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("warnings = %q, want %q", got, want)
	}
}
