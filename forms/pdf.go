package forms

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

// mmPerPt converts points to millimetres.
const mmPerPt = 25.4 / 72

// Replacement is printed for a character the PDF cannot show (above U+FFFF, or missing from the
// font): 〓, the customary mark for a missing character (缺字符).
const Replacement = '〓'

// Align is the horizontal alignment of a line of text.
type Align int

// Alignments.
const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// Style is how a block of text is set.
type Style struct {
	Size    float64 // font size in points; 0 means 14
	Bold    bool    // the bold font (or, without one, the regular font drawn thicker)
	Align   Align
	Leading float64 // line height in mm; 0 means 1.6 times the font size
	Left    float64 // inset from the left margin, mm
	Right   float64 // inset from the right margin, mm
	Gray    int     // text colour, 0 (black) to 255 (white)
	Justify bool    // left-aligned lines other than a paragraph's last are spread to the full width
	Title   bool    // set in the title font (小标宋 in an official letter) when the Doc has one
	Red     bool    // printed in red (the 发文机关标志 of a letterhead)
}

func (s Style) size() float64 {
	if s.Size <= 0 {
		return 14
	}
	return s.Size
}

func (s Style) leading() float64 {
	if s.Leading <= 0 {
		return 1.6 * s.size() * mmPerPt
	}
	return s.Leading
}

// Margins of a page, in mm.
type Margins struct{ Top, Right, Bottom, Left float64 }

// Layout is the page set-up and the furniture printed on every page of a Doc.
type Layout struct {
	Landscape   bool    // A4 landscape (ledgers) instead of A4 portrait (letters)
	Margins     Margins // zero: 22 mm top and bottom, 26 mm right, 28 mm left (GB/T 9704 sides)
	HeaderLeft  string  // small grey text above the top margin, left (e.g. 申请编号：GK2026000123)
	HeaderRight string  // likewise, right
	PageNumbers bool    // 第1页 共2页, centred below the bottom margin
	Watermark   string  // large light-grey diagonal text across every page (草稿)
	Title       string  // PDF metadata
	Date        time.Time
	// Letterhead, when set, makes the Doc an official letter in the 信函格式 of GB/T 9704-2012:
	// see Letterhead. HeaderLeft, HeaderRight and PageNumbers are then ignored.
	Letterhead *Letterhead
}

// Letterhead is the first-page furniture of a letter in the 信函格式 of GB/T 9704-2012 (A4, 版心
// 156 × 225 mm): the issuing agency's name (发文机关标志) centred in red with its upper edge 30 mm
// below the top of the page; 4 mm under it a red double line, thick above and thin below, 170 mm
// long; the document number (发文字号) flush right under that line; a red double line, thin above
// and thick below, 20 mm above the bottom edge. Pages after the first carry "— 2 —", "— 3 —" … at
// the outer edge, 7 mm below the 版心; the first page carries no number.
type Letterhead struct {
	Agency string // 发文机关标志: the agency's full name
	Number string // 发文字号, e.g. 清政公开〔2026〕12号; empty on a draft
}

// The figures of the 信函格式 (GB/T 9704-2012), mm.
const (
	letterTop        = 37  // 版心 from the top edge (297 − 225 − 35)
	letterBottom     = 35  // 版心 from the bottom edge
	letterLeft       = 28  // 版心 from the left edge (210 − 156 − 26)
	letterRight      = 26  // 版心 from the right edge
	headMarkTop      = 30  // upper edge of the 发文机关标志 from the top edge
	headRuleGap      = 4   // from the mark's lower edge to the upper double line
	ruleLength       = 170 // the red double lines
	footRuleFromFoot = 20  // the lower double line from the bottom edge
	pageNumberDrop   = 7   // page number line below the 版心
)

// Red is the colour of the letterhead: the 发文机关标志 and its rules.
var Red = [3]int{230, 0, 18}

// opKind is what a recorded drawing operation draws.
type opKind int

const (
	opText opKind = iota
	opLine
	opRect
	opImage
)

// op is one drawing operation, in mm from the top-left corner of the page.
type op struct {
	kind  opKind
	x, y  float64 // text: start of the baseline; line: start; rect: top-left corner
	w, h  float64 // line: end point (x2, y2); rect: size
	text  string
	size  float64
	bold  bool
	gray  int     // text or stroke colour
	fill  int     // rect fill colour; -1 for none
	angle float64 // text rotation in degrees, counter-clockwise
	lw    float64 // line width, mm
	tc    float64 // text: extra space after every character (PDF Tc), mm
	alpha float64 // text: opacity when not 0
	title bool    // text: in the title font
	red   bool    // text or line: in Red
	image []byte  // image: PNG bytes, placed at x, y (top-left) with size w × h
}

// Doc lays out a document: text wrapped by BreakLines, tables and rules, page breaks. Nothing is
// written until PDF: the operations are recorded so that the font can be cut down to exactly the
// characters used, and so that every page knows the page count.
//
// Text passes through one filter: characters above U+FFFF (which make fpdf panic) and characters
// the font lacks are printed as 〓 and named in Warnings; tabs become spaces; other control and
// format characters (zero-width spaces, byte-order marks) are dropped.
type Doc struct {
	font, bold *Font
	title      *Font         // the title font (小标宋), nil: the bold font
	titleRunes map[rune]bool // used with the title font
	layout     Layout
	pageW      float64
	pageH      float64
	m          Margins
	pages      [][]op
	y          float64
	runes      map[rune]bool // used with the regular font
	boldRunes  map[rune]bool // used with the bold font
	warnings   []string
	warned     map[rune]bool
}

// NewDoc starts a document with one empty page. bold may be nil.
func NewDoc(font, bold *Font, layout Layout) *Doc {
	d := &Doc{font: font, bold: bold, layout: layout, pageW: 210, pageH: 297,
		m: layout.Margins, runes: map[rune]bool{}, boldRunes: map[rune]bool{}, titleRunes: map[rune]bool{}, warned: map[rune]bool{}}
	if layout.Letterhead != nil {
		layout.Landscape = false
		d.m = Margins{Top: letterTop, Right: letterRight, Bottom: letterBottom, Left: letterLeft}
	}
	if layout.Landscape {
		d.pageW, d.pageH = d.pageH, d.pageW
	}
	if d.m == (Margins{}) {
		d.m = Margins{Top: 22, Right: 26, Bottom: 22, Left: 28}
		if layout.Landscape {
			d.m = Margins{Top: 20, Right: 15, Bottom: 18, Left: 15}
		}
	}
	d.AddPage()
	return d
}

// SetTitleFont sets the font of text in a Title style (nil: the bold font).
func (d *Doc) SetTitleFont(f *Font) { d.title = f }

// Width is the width between the margins, mm.
func (d *Doc) Width() float64 { return d.pageW - d.m.Left - d.m.Right }

// Y is the cursor: the top of the next line, mm from the top of the page.
func (d *Doc) Y() float64 { return d.y }

// Remaining is the height left on the page below the cursor, mm.
func (d *Doc) Remaining() float64 { return d.pageH - d.m.Bottom - d.y }

// Pages is the number of pages so far.
func (d *Doc) Pages() int { return len(d.pages) }

// AddPage starts a new page with the cursor at the top margin.
func (d *Doc) AddPage() {
	d.pages = append(d.pages, nil)
	d.y = d.m.Top
}

// Space moves the cursor down by h mm; at the bottom of a page it stops there.
func (d *Doc) Space(h float64) { d.y = min(d.y+h, d.pageH-d.m.Bottom) }

// Ensure starts a new page unless h mm are left on this one: for blocks that must stay together.
func (d *Doc) Ensure(h float64) {
	if d.Remaining() < h && d.y > d.m.Top {
		d.AddPage()
	}
}

// Warnings lists the characters that could not be printed, one message each.
func (d *Doc) Warnings() []string { return d.warnings }

// Measure returns a function giving the width in mm of a string in style st.
func (d *Doc) Measure(st Style) func(string) float64 {
	f := d.fontOf(st.Bold, st.Title)
	size := st.size()
	return func(s string) float64 { return f.Width(s, size) }
}

func (d *Doc) fontFor(bold bool) *Font { return d.fontOf(bold, false) }

// fontOf is the font of text set bold or in the title font: the title font, else the bold font,
// else the regular one.
func (d *Doc) fontOf(bold, title bool) *Font {
	if title && d.title != nil {
		return d.title
	}
	if (bold || title) && d.bold != nil {
		return d.bold
	}
	return d.font
}

// usedRunes is the set recording the characters set in the font of o, for the subsets.
func (d *Doc) usedRunes(o op) map[rune]bool {
	switch f := d.fontOf(o.bold, o.title); {
	case f == d.title && o.title:
		return d.titleRunes
	case f == d.bold && d.bold != nil:
		return d.boldRunes
	}
	return d.runes
}

// clean applies the character filter of Doc to s, to be set in the bold font or not, recording
// a warning for every character it replaces.
func (d *Doc) clean(s string, bold bool) string { return d.cleanIn(s, d.fontFor(bold)) }

// cleanIn is clean for text set in font f.
func (d *Doc) cleanIn(s string, f *Font) string {
	clean := true
	for _, r := range s {
		if r > 0xFFFF || r < ' ' || !f.Has(r) || unicode.Is(unicode.Cf, r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteRune(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			// invisible: dropped
		case r > 0xFFFF:
			d.warn(r, "字符“%c”(U+%04X) 无法显示，已以〓代替")
			b.WriteRune(Replacement)
		case !f.Has(r):
			d.warn(r, "字符“%c”(U+%04X) 字体中没有，已以〓代替")
			b.WriteRune(Replacement)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (d *Doc) warn(r rune, format string) {
	if d.warned[r] {
		return
	}
	d.warned[r] = true
	d.warnings = append(d.warnings, fmt.Sprintf(format, r, r))
}

// add records an operation on the current page.
func (d *Doc) add(o op) {
	d.record(o)
	d.pages[len(d.pages)-1] = append(d.pages[len(d.pages)-1], o)
}

// record notes the characters of a text operation for the font subsets.
func (d *Doc) record(o op) {
	if o.kind != opText {
		return
	}
	used := d.usedRunes(o)
	for _, r := range o.text {
		used[r] = true
	}
}

// baseline returns the baseline of text of size pt centred in a line box of height lh at top.
// CJK glyphs sit on an em box whose centre is about 0.38 em above the baseline.
func baseline(top, lh, size float64) float64 { return top + lh/2 + 0.38*size*mmPerPt }

// Text sets text as a block at the cursor: broken into lines (BreakLines) that fit between the
// margins and the style's insets, aligned, continuing on a new page when the page is full. The
// cursor ends below the block.
func (d *Doc) Text(text string, st Style) {
	d.Hanging("", text, st)
}

// Hanging sets label at the left of the block and text to its right, every line of text
// starting where the label ends: for numbered items and "附件：1. …" lists.
func (d *Doc) Hanging(label, text string, st Style) {
	f := d.fontOf(st.Bold, st.Title)
	label, text = d.cleanIn(label, f), d.cleanIn(text, f)
	measure := d.Measure(st)
	size, lh := st.size(), st.leading()
	left := d.m.Left + st.Left
	labelW := measure(label)
	width := d.Width() - st.Left - st.Right - labelW
	first := true
	for _, para := range strings.Split(text, "\n") {
		lines := BreakLines(measure, para, width)
		for i, line := range lines {
			if d.Remaining() < lh {
				d.AddPage()
			}
			base := baseline(d.y, lh, size)
			if first && label != "" {
				d.add(op{kind: opText, x: left, y: base, text: label, size: size, bold: st.Bold, title: st.Title, red: st.Red, gray: st.Gray})
			}
			first = false
			x, lw := left+labelW, measure(line)
			tc := 0.0
			switch {
			case st.Align == AlignCenter:
				x += (width - lw) / 2
			case st.Align == AlignRight:
				x += width - lw
			case st.Justify && i < len(lines)-1:
				tc = justify(line, width-lw, measure("国"))
			}
			if line != "" {
				d.add(op{kind: opText, x: x, y: base, text: line, size: size, bold: st.Bold, title: st.Title, red: st.Red, gray: st.Gray, tc: tc})
			}
			d.y += lh
		}
	}
}

// justify returns the extra space after each character that spreads line over slack more
// millimetres, or 0 when the line is too loose to spread (more than three ems short).
func justify(line string, slack, em float64) float64 {
	n := utf8.RuneCountInString(strings.TrimRight(line, " "))
	if n < 2 || slack <= 0.01 || slack > 3*em {
		return 0
	}
	return slack / float64(n-1)
}

// Rule draws a horizontal line across the text width at the cursor.
func (d *Doc) Rule(lineWidth float64) {
	d.add(op{kind: opLine, x: d.m.Left, y: d.y, w: d.pageW - d.m.Right, h: d.y, lw: lineWidth})
}

// Image places a PNG image with its top-left corner at (x, y) mm, w × h mm, over the text
// already on the current page (a seal over the signature and date).
func (d *Doc) Image(png []byte, x, y, w, h float64) {
	d.add(op{kind: opImage, image: png, x: x, y: y, w: w, h: h})
}

// Letterhead writes the first-page furniture of an official letter (see Letterhead) and moves the
// cursor below the document number. It does nothing for other documents.
func (d *Doc) letterhead() {
	lh := d.layout.Letterhead
	if lh == nil {
		return
	}
	// The 发文机关标志: as large as 26 pt allows within the 版心's width, and never smaller than the
	// title, in the title font.
	name := d.cleanIn(lh.Agency, d.fontOf(true, true))
	size := 26.0
	if w := d.fontOf(true, true).Width(name, size); w > d.Width() {
		size = max(size*d.Width()/w, 16)
	}
	em := size * mmPerPt
	// CJK glyphs fill their em box from about 0.88 em above the baseline to 0.12 em below it.
	base := headMarkTop + 0.88*em
	w := d.fontOf(true, true).Width(name, size)
	d.add(op{kind: opText, x: (d.pageW - w) / 2, y: base, text: name, size: size, bold: true, title: true, red: true})
	upper := base + 0.12*em + headRuleGap
	x1, x2 := (d.pageW-ruleLength)/2, (d.pageW+ruleLength)/2
	d.add(op{kind: opLine, x: x1, y: upper, w: x2, h: upper, lw: 1.0, red: true})
	d.add(op{kind: opLine, x: x1, y: upper + 1.4, w: x2, h: upper + 1.4, lw: 0.35, red: true})
	lower := d.pageH - footRuleFromFoot
	d.add(op{kind: opLine, x: x1, y: lower - 1.4, w: x2, h: lower - 1.4, lw: 0.35, red: true})
	d.add(op{kind: opLine, x: x1, y: lower, w: x2, h: lower, lw: 1.0, red: true})
	d.y = upper + 3
	if lh.Number != "" {
		d.Text(lh.Number, Style{Size: 16, Align: AlignRight})
	}
}

// furnish adds the watermark, header and page numbers to every page.
func (d *Doc) furnish() {
	l := d.layout
	n := len(d.pages)
	for i := range d.pages {
		var ops, over []op
		if l.Letterhead != nil && i > 0 {
			// GB/T 9704: 4号 digits between two dashes, 7 mm below the 版心; odd pages right and
			// even pages left, one character in from the edge of the 版心.
			t := fmt.Sprintf("— %d —", i+1)
			size := 14.0
			w, em := d.font.Width(t, size), size*mmPerPt
			x := d.m.Left + em
			if (i+1)%2 == 1 {
				x = d.pageW - d.m.Right - em - w
			}
			ops = append(ops, op{kind: opText, x: x, y: d.pageH - d.m.Bottom + pageNumberDrop + 0.88*em, text: t, size: size})
		}
		if l.Watermark != "" {
			// Over the content, translucent, so that dense text cannot hide it; rotated about the
			// centre of the page, on which the text is centred before rotation.
			wm := d.clean(l.Watermark, true)
			size := 150.0
			w := d.fontFor(true).Width(wm, size)
			cx, cy := d.pageW/2, d.pageH/2
			over = append(over, op{kind: opText, x: cx - w/2, y: cy + 0.38*size*mmPerPt, text: wm, size: size, bold: true, gray: 100, alpha: 0.3, angle: 45, w: cx, h: cy})
		}
		small := 9.0
		top := d.m.Top - 10
		if l.HeaderLeft != "" && l.Letterhead == nil {
			ops = append(ops, op{kind: opText, x: d.m.Left, y: top, text: d.clean(l.HeaderLeft, false), size: small, gray: 96})
		}
		if l.HeaderRight != "" && l.Letterhead == nil {
			t := d.clean(l.HeaderRight, false)
			ops = append(ops, op{kind: opText, x: d.pageW - d.m.Right - d.font.Width(t, small), y: top, text: t, size: small, gray: 96})
		}
		if l.PageNumbers && l.Letterhead == nil {
			t := fmt.Sprintf("第%d页 共%d页", i+1, n)
			ops = append(ops, op{kind: opText, x: (d.pageW - d.font.Width(t, small)) / 2, y: d.pageH - d.m.Bottom + 10, text: t, size: small, gray: 96})
		}
		for _, o := range append(ops, over...) {
			d.record(o)
		}
		d.pages[i] = append(append(ops, d.pages[i]...), over...)
	}
}

// PDF writes the document. The output depends only on the content and Layout.Date, so the same
// letter renders to the same bytes.
func (d *Doc) PDF() (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("forms: writing PDF: %v", r)
		}
	}()
	d.furnish()
	orientation := "P"
	if d.layout.Landscape {
		orientation = "L"
	}
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orientation, UnitStr: "mm", SizeStr: "A4"})
	p.SetAutoPageBreak(false, 0)
	p.SetMargins(0, 0, 0)
	p.SetCatalogSort(true)
	p.SetCreator("foidesk", true)
	p.SetProducer("foidesk", true)
	if d.layout.Title != "" {
		p.SetTitle(d.layout.Title, true)
	}
	p.SetLang("zh-CN")
	date := d.layout.Date
	if date.IsZero() {
		date = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	p.SetCreationDate(date)
	p.SetModificationDate(date)

	const family, titleFamily = "body", "title"
	p.AddUTF8FontFromBytes(family, "", d.font.subset(d.runes))
	fakeBold := d.bold == nil
	if !fakeBold && len(d.boldRunes) > 0 {
		p.AddUTF8FontFromBytes(family, "B", d.bold.subset(d.boldRunes))
	}
	if d.title != nil && len(d.titleRunes) > 0 {
		p.AddUTF8FontFromBytes(titleFamily, "", d.title.subset(d.titleRunes))
	}
	images := 0
	var st pen
	for _, ops := range d.pages {
		p.AddPage()
		st = pen{p: p}
		for _, o := range ops {
			switch o.kind {
			case opText:
				// The face drawn must be the one whose subset recorded the characters (usedRunes).
				var used map[rune]bool
				switch f := d.fontOf(o.bold, o.title); {
				case o.title && d.title != nil:
					st.font(titleFamily, "", o.size)
					used = d.titleRunes
				case f == d.bold && d.bold != nil:
					st.font(family, "B", o.size)
					used = d.boldRunes
				default:
					st.font(family, "", o.size)
					used = d.runes
				}
				for _, r := range o.text {
					if !used[r] {
						return nil, fmt.Errorf("forms: %q drawn in a font subset without it", r)
					}
				}
				p.SetTextColor(o.gray, o.gray, o.gray)
				if o.red {
					p.SetTextColor(Red[0], Red[1], Red[2])
				}
				if o.alpha != 0 {
					p.SetAlpha(o.alpha, "Normal")
				}
				if o.angle != 0 {
					p.TransformBegin()
					p.TransformRotate(o.angle, o.w, o.h)
				}
				if o.bold && fakeBold && !(o.title && d.title != nil) {
					st.draw(o.gray, o.red)
					st.lineWidth(o.size * mmPerPt * 0.03)
					p.SetTextRenderingMode(2) // fill and stroke
				}
				if o.tc != 0 {
					p.RawWriteStr(fmt.Sprintf("%.3f Tc", o.tc/mmPerPt))
				}
				p.Text(o.x, o.y, o.text)
				if o.tc != 0 {
					p.RawWriteStr("0 Tc")
				}
				if o.bold && fakeBold && !(o.title && d.title != nil) {
					p.SetTextRenderingMode(0)
				}
				if o.angle != 0 {
					p.TransformEnd()
					st = pen{p: p} // Q restored the state before q, which fpdf does not track
				}
				if o.alpha != 0 {
					p.SetAlpha(1, "Normal")
				}
			case opLine:
				st.draw(o.gray, o.red)
				st.lineWidth(o.lw)
				p.Line(o.x, o.y, o.w, o.h)
			case opRect:
				st.lineWidth(o.lw)
				st.draw(o.gray, false)
				style := "D"
				if o.fill >= 0 {
					st.fillGray(o.fill)
					style = "FD"
					if o.lw == 0 {
						style = "F"
					}
				}
				p.Rect(o.x, o.y, o.w, o.h, style)
			case opImage:
				images++
				name := fmt.Sprintf("img%d", images)
				p.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(o.image))
				p.ImageOptions(name, o.x, o.y, o.w, o.h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
			}
		}
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("forms: writing PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// pen sets fpdf's font, stroke colour, line width and fill colour only when they change: fpdf
// writes each call into the page, and a ledger of 10,000 rows set the same ones for every cell
// (pprof: SetFont, SetDrawColor and SetLineWidth were a sixth of LedgerPDF). The zero value
// knows nothing, as at the start of a page.
type pen struct {
	p        *fpdf.Fpdf
	known    uint8 // which of the fields below hold what the page has
	family   string
	style    string
	size     float64
	drawGray int
	drawRed  bool
	lw       float64
	fill     int
}

const (
	knowFont = 1 << iota
	knowDraw
	knowWidth
	knowFill
)

func (s *pen) font(family, style string, size float64) {
	if s.known&knowFont != 0 && s.family == family && s.style == style && s.size == size {
		return
	}
	s.p.SetFont(family, style, size)
	s.family, s.style, s.size = family, style, size
	s.known |= knowFont
}

func (s *pen) draw(gray int, red bool) {
	if s.known&knowDraw != 0 && s.drawGray == gray && s.drawRed == red {
		return
	}
	if red {
		s.p.SetDrawColor(Red[0], Red[1], Red[2])
	} else {
		s.p.SetDrawColor(gray, gray, gray)
	}
	s.drawGray, s.drawRed = gray, red
	s.known |= knowDraw
}

func (s *pen) lineWidth(w float64) {
	if s.known&knowWidth != 0 && s.lw == w {
		return
	}
	s.p.SetLineWidth(w)
	s.lw = w
	s.known |= knowWidth
}

func (s *pen) fillGray(g int) {
	if s.known&knowFill != 0 && s.fill == g {
		return
	}
	s.p.SetFillColor(g, g, g)
	s.fill = g
	s.known |= knowFill
}
