package forms

import (
	"testing"

	cases "foidesk/case"
)

// BenchmarkRegistrationLetters renders the two letters of a registration (the application form
// and the receipt): the work the background renderer does per registration (docs/performance.md).
func BenchmarkRegistrationLetters(b *testing.B) {
	r := renderer(b)
	reqs := []cases.LetterRequest{fixtureRequest(cases.DocApplicationForm, fixtureCase()), fixtureRequest(cases.DocReceipt, fixtureCase())}
	for b.Loop() {
		for _, req := range reqs {
			if _, _, err := r.Render(req); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkLedgerPDF renders a ledger of 10,000 rows (about 11 days of a province).
func BenchmarkLedgerPDF(b *testing.B) {
	font, bold := requireFonts(b)
	l := fixtureLedger(10000)
	var size int
	for b.Loop() {
		pdf, err := LedgerPDF(font, bold, l)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}
