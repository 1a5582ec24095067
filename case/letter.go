package cases

// Letter kinds (document classes). Each letter class has its own number prefix and yearly
// sequence (docs/rules.md §7); the application form and uploads carry no number.
const (
	DocReceipt            = "receipt"             // 登记回执
	DocCorrectionNotice   = "correction_notice"   // 补正告知书
	DocExtensionNotice    = "extension_notice"    // 延期答复告知书
	DocConsultationLetter = "consultation_letter" // 征求意见书 (to a third party or another agency)
	DocConsultationNotice = "consultation_notice" // notice to the applicant that the clock is paused
	DocFeeNotice          = "fee_notice"          // 收费通知书
	DocObjectionOverride  = "objection_override"  // notice to a third party: disclosure despite objection (Art. 32)
	DocReplyPeriodNotice  = "reply_period_notice" // Art. 35 longer reply period
	DocReasonsNotice      = "reasons_notice"      // 说明理由通知书 (Art. 35)
	DocTerminationNotice  = "termination_notice"  // 终止办理告知书 (correction or fee lapsed)
	DocReply              = "reply"               // 答复书 / 告知书
	DocApplicationForm    = "application_form"    // 申请表
	DocUpload             = "upload"              // an uploaded file (identity proof, correction, released documents)
)

// DocKinds labels every document kind.
var DocKinds = CodeList{
	{DocReceipt, "登记回执", "Receipt"},
	{DocCorrectionNotice, "补正告知书", "Correction notice"},
	{DocExtensionNotice, "延期答复告知书", "Extension notice"},
	{DocConsultationLetter, "征求意见书", "Consultation letter"},
	{DocConsultationNotice, "征求意见告知书", "Consultation notice"},
	{DocFeeNotice, "收费通知书", "Fee notice"},
	{DocObjectionOverride, "决定公开告知书", "Notice of disclosure despite objection"},
	{DocReplyPeriodNotice, "答复期限告知书", "Notice of reply period"},
	{DocReasonsNotice, "说明理由通知书", "Request for reasons"},
	{DocTerminationNotice, "终止办理告知书", "Termination notice"},
	{DocReply, "政府信息公开申请答复书", "Reply"},
	{DocApplicationForm, "政府信息公开申请表", "Application form"},
	{DocUpload, "上传文件", "Uploaded file"},
}

// ToApplicant reports whether a document of this kind is addressed to the applicant (shown on the
// tracking page and by GET /api/v1/track/{no}): every kind but the letters to a consulted party.
func ToApplicant(kind string) bool {
	return kind != DocConsultationLetter && kind != DocObjectionOverride
}

// LetterRequest asks the renderer (package forms) for one document of a case. The case carries
// the applicant, the request, the dates, the draft reply, the consulted parties and the fee; the
// fields here carry what belongs to this one letter.
type LetterRequest struct {
	Kind        string   // one of the Doc* kinds
	Case        *Case    // the case as it is after the event
	Agency      Agency   // the agency in whose name the letter goes out, with its settings
	Number      string   // the document number; "" for a draft preview
	Date        Date     // the letter's date
	Draft       bool     // a preview: 草稿 watermark on every page, no number
	Party       *Party   // the addressee of a consultation letter or objection override
	Items       []string // correction items
	Reason      string   // reason of an extension, Art. 35 period, lapse or disclosure over objection
	Days        int      // extension days
	Due         Date     // the date the letter sets (new deadline, correction due, fee due, answer due)
	Attachments []string // names of attached documents
	Siblings    []Agency // other agencies of the deployment (for "not this agency's" replies)
}

// Renderer renders documents; package forms implements it. Warnings name characters that could
// not be rendered (above U+FFFF, printed as 〓) so staff can be told on the case page.
type Renderer interface {
	Render(req LetterRequest) (pdf []byte, warnings []string, err error)
}
