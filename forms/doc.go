// Package forms renders foidesk's documents into PDF: every letter of a case (cases.Renderer) and
// the layout engine that the ledger and the reports build on.
//
// The engine sits on codeberg.org/go-pdf/fpdf and works around its traps with CJK text
// (docs/design.md "Documents"):
//
//   - LoadFont reads and indexes a TrueType font once per process; each document embeds a subset
//     cut to the characters it uses, added with AddUTF8FontFromBytes (AddUTF8Font mangles
//     absolute paths, and parsing a 15 MB font per letter would cost tens of milliseconds).
//   - BreakLines measures text itself (fpdf's MultiCell and SplitText drop a CJK character at
//     every automatic break) and keeps closing punctuation off the start of a line.
//   - Doc prints characters above U+FFFF, which make fpdf panic, and characters missing from the
//     font as 〓 and reports each in Warnings.
//   - Doc lays out pages itself (text blocks, hanging lists, tables that repeat their header on
//     every page) and writes the PDF at the end, so every page knows the page count and a draft
//     carries its watermark on every page.
//
// At start-up:
//
//	font, err := forms.LoadFont(path) // e.g. forms.DefaultFontPath; fail start-up on error
//	bold, err := forms.LoadFont(forms.DefaultBoldFontPath) // optional: nil draws headings thicker
//	var r cases.Renderer = forms.NewRenderer(font, bold)
//
// Letters are A4 portrait in the manner of GB/T 9704: the agency's name, the title and the
// document number; the addressee; body paragraphs indented two characters and justified; the
// attachments; the seal line and the date; the tracking number in the header and 第1页 共2页 in
// the footer. Dates read 2026年11月3日 and articles 《中华人民共和国政府信息公开条例》第十五条.
// Rendering the same request twice gives the same bytes.
package forms
