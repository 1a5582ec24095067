package forms

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	cases "foidesk/case"
)

// Regulation is the full name under which articles are cited.
const Regulation = "《中华人民共和国政府信息公开条例》"

// FeeMeasures is the full name of the fee measures.
const FeeMeasures = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"

// QuoteLimit is the number of characters of the applicant's description a letter quotes before
// cutting it with "……".
const QuoteLimit = 200

// Body text sizes, points.
const (
	bodySize      = 16 // 3号, the body text of GB/T 9704-2012
	plainBodySize = 14 // 4号, the body text of the receipt
	smallSize     = 10.5
	noteSize      = 12 // the 附注 (contact details) under the date
)

// Renderer renders the letters of package cases into PDF; it implements cases.Renderer and is safe
// for concurrent use.
type Renderer struct {
	font, bold *Font
	title      *Font // the title font (小标宋); nil: bold
	signers    signerCache
}

var _ cases.Renderer = (*Renderer)(nil)

// NewRenderer returns a Renderer setting text in font, and headings in boldFont (nil: font drawn
// thicker).
func NewRenderer(font *Font, boldFont *Font) *Renderer {
	return &Renderer{font: font, bold: boldFont}
}

// SetTitleFont sets the font of the agency's name and the title of an official letter (an office
// points it at its 方正小标宋); nil keeps the heading font. Call it before the first Render.
func (r *Renderer) SetTitleFont(f *Font) { r.title = f }

// official reports whether a document kind is a letter in the 信函格式 (GB/T 9704-2012) with
// the red letterhead; the receipt and the application form keep a plain layout.
func official(kind string) bool {
	return kind != cases.DocReceipt && kind != cases.DocApplicationForm
}

// letterFuncs writes the body of each kind of document.
var letterFuncs = map[string]func(*letter) error{
	cases.DocReceipt:            receipt,
	cases.DocCorrectionNotice:   correctionNotice,
	cases.DocExtensionNotice:    extensionNotice,
	cases.DocConsultationLetter: consultationLetter,
	cases.DocConsultationNotice: consultationNotice,
	cases.DocFeeNotice:          feeNotice,
	cases.DocObjectionOverride:  objectionOverride,
	cases.DocReplyPeriodNotice:  replyPeriodNotice,
	cases.DocReasonsNotice:      reasonsNotice,
	cases.DocTerminationNotice:  terminationNotice,
	cases.DocReply:              reply,
	cases.DocApplicationForm:    applicationForm,
}

// Render renders one document of a case. The warnings name every character printed as 〓 and
// any agency setting the letter had to do without. A request the renderer cannot honour (unknown
// kind, missing addressee, missing number of an issued letter, an outcome without a letter)
// returns EINVALID.
func (r *Renderer) Render(req cases.LetterRequest) ([]byte, []string, error) {
	if r == nil || r.font == nil {
		return nil, nil, cases.Errorf(cases.EINTERNAL, "文书字体未加载。", "forms: no font loaded")
	}
	build, ok := letterFuncs[req.Kind]
	if !ok {
		return nil, nil, cases.Errorf(cases.EINVALID, "不支持的文书类型“%s”。", "unknown document kind %q", req.Kind)
	}
	if req.Case == nil {
		return nil, nil, cases.Errorf(cases.EINVALID, "缺少案件。", "no case to render")
	}
	if req.Date.IsZero() {
		return nil, nil, cases.Errorf(cases.EINVALID, "文书日期不能为空。", "the letter has no date")
	}
	if !req.Draft && req.Number == "" && req.Kind != cases.DocApplicationForm {
		return nil, nil, &cases.Error{Code: cases.EINVALID, Message: cases.DocKinds.Label(req.Kind, "zh") + "须有文号（草稿预览除外）。", MessageEN: fmt.Sprintf("an issued %s needs a document number", req.Kind)}
	}
	title := cases.DocKinds.Label(req.Kind, "zh")
	layout := Layout{
		HeaderLeft:  "申请编号：" + req.Case.TrackingNo,
		HeaderRight: title,
		PageNumbers: true,
		Title:       req.Agency.Name + title,
		Date:        req.Date.Time(),
	}
	if official(req.Kind) {
		layout.Letterhead = &Letterhead{Agency: req.Agency.Name}
		if !req.Draft {
			layout.Letterhead.Number = req.Number
		}
	}
	if req.Draft {
		layout.Watermark = "草稿"
	}
	var l *letter
	for _, leading := range leadings {
		doc := NewDoc(r.font, r.bold, layout)
		doc.SetTitleFont(r.title)
		try := &letter{
			Doc:     doc,
			req:     req,
			c:       req.Case,
			set:     req.Agency.Settings.WithDefaults(),
			title:   title,
			leading: leading,
		}
		if err := build(try); err != nil {
			return nil, nil, err
		}
		if l == nil || try.Pages() < l.Pages() {
			l = try
		}
		if l.Pages() == 1 {
			break
		}
	}
	pdf, err := l.PDF()
	if err != nil {
		return nil, nil, &cases.Error{Code: cases.EINTERNAL, Message: "生成PDF文书失败。", MessageEN: err.Error()}
	}
	// A numbered letter and the receipt carry the agency's signature over their final bytes.
	if as := req.Agency.LetterAssets; !req.Draft && req.Kind != cases.DocApplicationForm && as != nil && len(as.SigningKey) > 0 {
		s, err := r.signers.get(as.SigningCert, as.SigningKey)
		if err != nil {
			return nil, nil, &cases.Error{Code: cases.EINVALID, Message: "机关的签名证书或私钥无法使用，请管理员重新设置。", MessageEN: "the agency's signing key: " + err.Error()}
		}
		if pdf, err = s.Sign(pdf, SignInfo{Name: req.Agency.Name, Reason: title + " " + req.Number, Time: req.Date.Time()}); err != nil {
			return nil, nil, &cases.Error{Code: cases.EINTERNAL, Message: "文书签名失败。", MessageEN: err.Error()}
		}
	}
	return pdf, append(l.Warnings(), l.notes...), nil
}

// letter is a document being written: the layout engine plus the request and the phrases every
// letter shares.
type letter struct {
	*Doc
	req     cases.LetterRequest
	c       *cases.Case
	set     cases.Settings
	title   string
	leading float64  // line height of body text, ems
	notes   []string // warnings about settings
}

var (
	headingStyle = Style{Size: 22, Bold: true, Align: AlignCenter, Leading: 12}
	titleStyle   = Style{Size: 18, Bold: true, Align: AlignCenter, Leading: 10}
	// officialTitleStyle is the title of an official letter: 2号 (22 pt) in the title font.
	officialTitleStyle = Style{Size: 22, Title: true, Align: AlignCenter, Leading: 12}
)

// leadings are the line heights of body text, in ems, that Render tries in turn: a letter that
// spills onto another page is set tighter when that saves the page (GB/T 9704 adjusts the line
// spacing rather than leave the seal and date alone on a page).
var leadings = []float64{1.6, 1.5, 1.4, 1.3}

// body is the style of body text: 3号 in an official letter, a size smaller in the plain
// documents (the receipt), which then keep to one page.
func (l *letter) body() Style {
	size := float64(bodySize)
	if l.layout.Letterhead == nil {
		size = plainBodySize
	}
	return Style{Size: size, Justify: true, Leading: l.leading * size * mmPerPt}
}

// head writes the agency's name, the title and the document number (or the draft mark). An
// official letter has them in its letterhead: the red 发文机关标志 and rules, the number flush
// right under them, then the title one line down (GB/T 9704-2012 信函格式).
func (l *letter) head() {
	if l.layout.Letterhead != nil {
		l.letterhead()
		if l.req.Draft {
			l.Text("（草稿，未编号）", Style{Size: bodySize, Align: AlignRight})
		}
		l.Space(6)
		l.Text(l.title, officialTitleStyle)
		l.Space(4)
		return
	}
	l.Text(l.req.Agency.Name, headingStyle)
	l.Space(2)
	l.Text(l.title, titleStyle)
	switch {
	case l.req.Draft:
		l.Text("（草稿，未编号）", Style{Size: bodySize, Align: AlignRight})
	case l.req.Number != "":
		l.Text(l.req.Number, Style{Size: bodySize, Align: AlignRight})
	}
	l.Space(4)
}

// to writes the addressee line.
func (l *letter) to(name string) { l.Text(name+"：", l.body()) }

// para writes a body paragraph with the customary two-character indent.
func (l *letter) para(text string) { l.Text("　　"+text, l.body()) }

// paras writes a paragraph per line of text (the clerk's free text may hold several).
func (l *letter) paras(text string) {
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			l.para(p)
		}
	}
}

// numbered writes items as （一）（二）… with hanging lines.
func (l *letter) numbered(items []string) {
	for i, it := range items {
		l.Hanging("　　"+chineseOrdinal(i+1), it, l.body())
	}
}

// attachments writes 附件：1. … with the following items aligned under the first.
func (l *letter) attachments() {
	if len(l.req.Attachments) == 0 {
		return
	}
	l.Space(3)
	label := "　　附件："
	inset := l.Measure(l.body())(label)
	for i, a := range l.req.Attachments {
		num := fmt.Sprintf("%d. ", i+1)
		if i == 0 {
			l.Hanging(label+num, a, l.body())
		} else {
			st := l.body()
			st.Left = inset
			l.Hanging(num, a, st)
		}
	}
}

// end writes the closing phrase (特此告知。), the attachments and the closing, keeping the phrase
// with the signature block: when the block would start a page of its own, the phrase goes over
// with it (GB/T 9704-2012 7.3.5: no page with a seal and date alone).
func (l *letter) end(phrase string) {
	pages, y := len(l.pages), l.y
	ops := len(l.pages[pages-1])
	write := func() {
		if phrase != "" {
			l.para(phrase)
		}
		l.attachments()
		l.closing()
	}
	write()
	if len(l.pages) == pages || phrase == "" {
		return
	}
	// Roll back and start the phrase on the next page.
	l.pages = l.pages[:pages]
	l.pages[pages-1] = l.pages[pages-1][:ops]
	l.y = y
	l.AddPage()
	write()
}

// closing writes the issuing agency's name and the date at the right, the seal over them, then
// the 附注 with the agency's contact details (GB/T 9704-2012 7.3.5): the date four characters in
// from the right edge of the 版心, the agency's name centred over the date; the seal, when the
// agency has one, centred on them with its top within a line of the text above, so that the name
// and the date sit a little below its centre. Room for the seal is kept whether or not the image is
// printed (an office may stamp the paper copy by hand). The block stays together on one page.
func (l *letter) closing() {
	seal := l.set.SealText
	if seal == "" {
		seal = l.req.Agency.Name
	}
	date := l.req.Date.Chinese()
	body := l.body()
	lh := body.leading()

	var parts []string
	for _, p := range [][2]string{
		{"通信地址：", l.set.Address}, {"邮政编码：", l.set.Postcode},
		{"联系电话：", l.set.Phone}, {"电子邮箱：", l.set.Email},
	} {
		if p[1] != "" {
			parts = append(parts, p[0]+p[1])
		}
	}
	// The 附注 in a smaller size than GB/T 9704's 3号, so that the contact details do not push the
	// signature block onto a page of its own.
	note := Style{Size: noteSize, Leading: 1.5 * noteSize * mmPerPt, Left: 2 * l.Measure(body)("国")}
	contact, contactH := "", 0.0
	if len(parts) > 0 {
		contact = "（" + strings.Join(parts, "；") + "）"
		contactH = 2 + float64(len(BreakLines(l.Measure(note), contact, l.Width()-note.Left)))*note.leading()
	}

	// The seal (sealSize across) is centred a third of the way down the line of the agency's
	// name, so that name and date sit below its centre; its top comes 3 mm below the text.
	centre := lh / 3
	gap := 3 + sealSize/2 - centre
	l.Ensure(gap + 2*lh + contactH)
	l.Space(gap)
	top := l.Y()
	measure := l.Measure(body)
	em := measure("国")
	sw, dw := measure(seal), measure(date)
	axis := 4*em + dw/2 // the centre of the date, from the right edge of the 版心
	l.Text(seal, Style{Size: body.Size, Leading: lh, Align: AlignRight, Right: max(axis-sw/2, 0)})
	l.Text(date, Style{Size: body.Size, Leading: lh, Align: AlignRight, Right: max(axis-dw/2, 0)})
	if png := l.sealImage(); png != nil {
		cx := l.m.Left + l.Width() - axis
		l.Image(png, cx-sealSize/2, top+centre-sealSize/2, sealSize, sealSize)
	}
	if contact != "" {
		l.Space(2)
		l.Text(contact, note)
	}
}

// sealSize is the printed seal's diameter, mm (the 42 mm seal of a government agency).
const sealSize = 42

// sealImage is the agency's seal, printed on issued letters only: never on a draft preview.
func (l *letter) sealImage() []byte {
	if l.req.Draft || l.req.Agency.LetterAssets == nil {
		return nil
	}
	return l.req.Agency.LetterAssets.Seal
}

// quote is the applicant's description as a letter quotes it: whole up to QuoteLimit characters,
// else cut there with "……".
func (l *letter) quote() string {
	d := strings.TrimSpace(l.c.Description)
	if utf8.RuneCountInString(d) <= QuoteLimit {
		return d
	}
	return string([]rune(d)[:QuoteLimit]) + "……"
}

// quoted is the quote in quotation marks ending a sentence: “…”。, or “…。” when the
// applicant's words end with a sentence mark of their own.
func (l *letter) quoted() string {
	q := l.quote()
	last, _ := utf8.DecodeLastRuneInString(q)
	if strings.ContainsRune("。！？", last) {
		return "“" + q + "”"
	}
	return "“" + q + "”。"
}

// received is "本机关于2026年10月8日收到您以网上申请方式提交的政府信息公开申请（申请编号：…）".
func (l *letter) received() string {
	when := ""
	if !l.c.ReceivedOn.IsZero() {
		when = "于" + l.c.ReceivedOn.Chinese()
	}
	return fmt.Sprintf("本机关%s收到您以%s方式提交的政府信息公开申请（申请编号：%s）", when, channel(l.c.Channel), l.c.TrackingNo)
}

// intro is the opening paragraph of a letter to the applicant.
func (l *letter) intro() string {
	s := l.received() + "，您申请获取" + l.quoted()
	if !l.c.Clock.CorrectedOn.IsZero() {
		s += "您于" + l.c.Clock.CorrectedOn.Chinese() + "提交了补正后的申请。"
	}
	return s
}

// introParty is the opening of a letter to a consulted party: the request without the
// applicant's identity.
func (l *letter) introParty() string {
	when := ""
	if !l.c.ReceivedOn.IsZero() {
		when = "于" + l.c.ReceivedOn.Chinese()
	}
	return fmt.Sprintf("本机关%s收到一份政府信息公开申请（申请编号：%s），申请人申请获取%s", when, l.c.TrackingNo, l.quoted())
}

// reconsideration and court name the remedy bodies, noting a missing setting.
func (l *letter) reconsideration() string {
	if l.set.ReconsiderationBody == "" {
		l.notes = append(l.notes, "机关设置中未填写行政复议机关，救济条款使用了“有管辖权的行政复议机关”")
		return "有管辖权的行政复议机关"
	}
	return l.set.ReconsiderationBody
}

func (l *letter) court() string {
	if l.set.Court == "" {
		l.notes = append(l.notes, "机关设置中未填写人民法院，救济条款使用了“有管辖权的人民法院”")
		return "有管辖权的人民法院"
	}
	return l.set.Court
}

// remedy is the remedy clause of a decision letter. For withhold.* and partial (RemedyFirst)
// reconsideration comes first and no direct lawsuit is offered (行政复议法 Art. 23).
func (l *letter) remedy(o cases.Outcome) string {
	if o.RemedyFirst() {
		return "如对本答复不服，应当先向" + l.reconsideration() + "申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内依法向人民法院提起行政诉讼。"
	}
	return "如对本答复不服，可以自收到本答复之日起六十日内向" + l.reconsideration() + "申请行政复议，或者自收到本答复之日起六个月内向" + l.court() + "提起行政诉讼。"
}

// cite is "根据《中华人民共和国政府信息公开条例》第十五条的规定". extra is the clerk's legal
// basis: an article of the Regulation ("第…") replaces basis; anything else (another law) is
// cited beside it.
func cite(basis, extra string) string {
	extra = strings.TrimSpace(extra)
	switch {
	case extra == "":
	case strings.HasPrefix(extra, "第"):
		basis, extra = extra, ""
	case strings.HasPrefix(extra, Regulation):
		basis, extra = strings.TrimPrefix(extra, Regulation), ""
	}
	s := "根据" + Regulation + basis
	if extra != "" {
		s += "和" + extra
	}
	return s + "的规定"
}

// sentence ends s with a full stop unless it already ends with a sentence mark (possibly
// inside closing quotes or brackets, as in “…。”).
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s, "”’）」』》)\"'"))
	if strings.ContainsRune("。！？…!?", last) {
		return s
	}
	return strings.TrimRight(s, "，、；：,.;:") + "。"
}

// clause strips a trailing full stop so that s can be embedded in a sentence.
func clause(s string) string {
	return strings.TrimRight(strings.TrimSpace(s), "。.；;，,")
}

func channel(code string) string { return cases.Channels.Label(code, "zh") }

// chineseOrdinal is （一）, （二), … （二十）.
func chineseOrdinal(n int) string {
	return "（" + chineseNumber(n) + "）"
}

// chineseNumber writes 1 to 99 in Chinese numerals.
func chineseNumber(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		if n == 10 {
			return "十"
		}
		return "十" + digits[n%10]
	case n < 100:
		s := digits[n/10] + "十"
		if n%10 != 0 {
			s += digits[n%10]
		}
		return s
	}
	return fmt.Sprint(n)
}

// agencyLocation is the agency's time zone, or China Standard Time when it cannot be loaded.
func (l *letter) agencyLocation() *time.Location {
	return l.set.Location()
}
