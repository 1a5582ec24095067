package cases

// Code is one value of a closed list (docs/rules.md §1), with its Chinese and English labels.
type Code struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

// CodeList is an ordered closed list of codes.
type CodeList []Code

// Has reports whether code is in the list.
func (l CodeList) Has(code string) bool {
	_, ok := l.Find(code)
	return ok
}

// Find returns the entry for code.
func (l CodeList) Find(code string) (Code, bool) {
	for _, c := range l {
		if c.Code == code {
			return c, true
		}
	}
	return Code{}, false
}

// Label returns the label of code in lang ("en" or Chinese), or the code itself when unknown.
func (l CodeList) Label(code, lang string) string {
	c, ok := l.Find(code)
	if !ok {
		return code
	}
	if lang == "en" {
		return c.EN
	}
	return c.ZH
}

// Codes of docs/rules.md §1 (Art. 27–29, 31).
const (
	KindPerson       = "person"
	KindOrganization = "organization"
	OrgOther         = "other" // the organisation category of table 三 for the rest (其他)

	IDResident            = "resident_id"
	IDPassport            = "passport"
	IDHKMacau             = "hk_macau_permit"
	IDTaiwan              = "taiwan_permit"
	IDCredit              = "credit_code"
	IDForeignPR           = "foreign_pr"
	IDOther               = "other"
	ChannelOnline         = "online"
	ChannelInPerson       = "in_person"
	ChannelPostRegistered = "post_registered"
	ChannelPostOrdinary   = "post_ordinary"
	ChannelFax            = "fax"
	ChannelEmail          = "email"
	ChannelOral           = "oral"

	DeliveryPost   = "post"
	DeliveryEmail  = "email"
	DeliveryPickup = "pickup"
	DeliveryFax    = "fax"
	DeliveryOnsite = "onsite"
	DeliveryOnline = "online"
)

var (
	// ApplicantKinds: 自然人 or 法人或其他组织 (Art. 27).
	ApplicantKinds = CodeList{
		{KindPerson, "自然人", "Natural person"},
		{KindOrganization, "法人或其他组织", "Legal person or other organisation"},
	}
	// OrgCategories are the columns of table 三 of the annual report (国办公开办函〔2021〕30号).
	OrgCategories = CodeList{
		{"business", "商业企业", "Business"},
		{"research", "科研机构", "Research institution"},
		{"public_interest", "社会公益组织", "Public-interest organisation"},
		{"legal_service", "法律服务机构", "Legal-service institution"},
		{OrgOther, "其他", "Other"},
	}
	// IDTypes are the identity documents of Art. 29.
	IDTypes = CodeList{
		{IDResident, "居民身份证", "Resident identity card"},
		{IDPassport, "护照", "Passport"},
		{IDHKMacau, "港澳居民来往内地通行证", "Mainland travel permit for Hong Kong and Macao residents"},
		{IDTaiwan, "台湾居民来往大陆通行证", "Mainland travel permit for Taiwan residents"},
		{IDCredit, "统一社会信用代码", "Unified social credit code"},
		{IDForeignPR, "外国人永久居留身份证", "Foreign permanent resident ID card"},
		{IDOther, "其他证件", "Other document"},
	}
	// Channels through which an application arrives (Art. 28, 29, 31).
	Channels = CodeList{
		{ChannelOnline, "网上申请", "Online"},
		{ChannelInPerson, "当面申请", "In person"},
		{ChannelPostRegistered, "信函申请（挂号信）", "Registered post"},
		{ChannelPostOrdinary, "信函申请（平信）", "Ordinary post"},
		{ChannelFax, "传真申请", "Fax"},
		{ChannelEmail, "电子邮件申请", "E-mail"},
		{ChannelOral, "口头申请", "Oral"},
	}
	// ProofKinds are the kinds of proof of a delivery (record_delivery): an EMS number, a scanned
	// 送达回证, an e-mail sending record, another.
	ProofKinds = CodeList{
		{"ems", "邮政特快专递（EMS）单号", "EMS tracking number"},
		{"receipt_card", "送达回证", "Signed service receipt"},
		{"email", "电子邮件发送记录", "E-mail sending record"},
		{"other", "其他", "Other"},
	}
	// DeliveryWays the applicant may ask for (Art. 29).
	DeliveryWays = CodeList{
		{DeliveryPost, "邮寄", "By post"},
		{DeliveryEmail, "电子邮件", "By e-mail"},
		{DeliveryPickup, "当面领取", "Collect in person"},
		{DeliveryFax, "传真", "By fax"},
		{DeliveryOnsite, "现场查阅抄录", "Inspect and copy on site"},
		{DeliveryOnline, "网上获取", "Download online"},
	}
	// Carriers of the information (Art. 29).
	Carriers = CodeList{
		{"paper", "纸质", "Paper"},
		{"electronic", "电子", "Electronic"},
	}
	// Roles of staff accounts.
	Roles = CodeList{
		{RoleClerk, "经办人", "Clerk"},
		{RoleSupervisor, "审核人", "Supervisor"},
		{RoleAdmin, "管理员", "Administrator"},
	}
	// RemedyKinds are the columns of table 四.
	RemedyKinds = CodeList{
		{"reconsideration", "行政复议", "Administrative reconsideration"},
		{"litigation_direct", "行政诉讼（未经复议直接起诉）", "Lawsuit without reconsideration"},
		{"litigation_after_reconsideration", "行政诉讼（复议后起诉）", "Lawsuit after reconsideration"},
	}
	// RemedyResults are the result columns of table 四.
	RemedyResults = CodeList{
		{"upheld", "结果维持", "Upheld"},
		{"corrected", "结果纠正", "Corrected"},
		{"other", "其他结果", "Other result"},
		{"pending", "尚未审结", "Pending"},
	}
	// ConsultPartyKinds: a third party (Art. 32) or another agency (Art. 34).
	ConsultPartyKinds = CodeList{
		{"third_party", "第三方", "Third party"},
		{"agency", "其他机关", "Other agency"},
	}
	// ConsultAnswers of a consulted party.
	ConsultAnswers = CodeList{
		{"agree", "同意公开", "Agrees"},
		{"object", "不同意公开", "Objects"},
		{"silence", "逾期未答复", "No answer in time"},
	}
	// FeeBases of 国办函〔2020〕109号.
	FeeBases = CodeList{
		{FeePerRequest, "按件计收", "Per request"},
		{FeePerPage, "按量计收", "Per page"},
	}
)

// Staff roles.
const (
	RoleClerk      = "clerk"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// Fee bases.
const (
	FeePerRequest = "per_request"
	FeePerPage    = "per_page"
)
