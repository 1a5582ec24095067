package cases

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// validateToday is the day of application in these tests.
var validateToday = MustDate("2026-03-10")

// testResidentID completes 17 digits with their check character, computed from the ISO 7064
// MOD 11-2 definition (independently of the table in validate.go): with weights 2^(17-i) mod 11
// and weight 1 for the check character (X = 10), the weighted sum of all 18 is 1 mod 11.
func testResidentID(body string) string {
	if len(body) != 17 {
		panic("testResidentID: need 17 digits, got " + body)
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * ((1 << (17 - i)) % 11)
	}
	c := ((1-sum%11)%11 + 11) % 11
	if c == 10 {
		return body + "X"
	}
	return body + string(rune('0'+c))
}

// testCreditCode completes 17 characters of a 统一社会信用代码 with the check character that makes
// the weighted sum (weights 3^(i-1) mod 31, 1 for the check character) a multiple of 31.
func testCreditCode(body string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	if len(body) != 17 {
		panic("testCreditCode: need 17 characters, got " + body)
	}
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(alphabet, body[i])
		if v < 0 {
			panic("testCreditCode: bad character in " + body)
		}
		sum += v * w
		w = w * 3 % 31
	}
	for c := 0; c < 31; c++ {
		if (sum+c)%31 == 0 {
			return body + string(alphabet[c])
		}
	}
	panic("unreachable")
}

// wantValidationErr checks that err is nil when want is zero, else an EINVALID *Error with want's
// messages.
func wantValidationErr(t *testing.T, err error, want bilingual) {
	t.Helper()
	if want == (bilingual{}) {
		if err != nil {
			t.Fatalf("got %v, want nil", err)
		}
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an *Error %q", err, want.en)
	}
	if e.Code != EINVALID || e.Message != want.zh || e.MessageEN != want.en {
		t.Fatalf("got %s %q / %q, want EINVALID %q / %q", e.Code, e.Message, e.MessageEN, want.zh, want.en)
	}
}

func TestTestHelpers(t *testing.T) {
	// Published examples: GB 11643-1999 and the GB 32100-2015 sample code.
	if got := testResidentID("11010519491231002"); got != "11010519491231002X" {
		t.Errorf("testResidentID = %s", got)
	}
	if got := testCreditCode("91350100M000100Y4"); got != "91350100M000100Y43" {
		t.Errorf("testCreditCode = %s", got)
	}
}

func TestValidateResidentID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		want bilingual
	}{
		{"published example", "11010519491231002X", bilingual{}},
		{"lowercase x", "11010519491231002x", bilingual{}},
		{"digit check character", testResidentID("44030419850615123"), bilingual{}},
		{"born 1900-01-01", testResidentID("11010519000101001"), bilingual{}},
		{"born on the day of application", testResidentID("11010520260310001"), bilingual{}},
		{"born on a leap day", testResidentID("11010520000229001"), bilingual{}},

		{"empty", "", msgResidentFormat},
		{"17 characters", "11010519491231002", msgResidentFormat},
		{"19 characters", "11010519491231002X1", msgResidentFormat},
		{"15-digit old number", "110105491231002", msgResidentFormat},
		{"letter in the body", "1101051949123100AX", msgResidentFormat},
		{"check character Y", "11010519491231002Y", msgResidentFormat},
		{"full-width digit", "１1010519491231002X", msgResidentFormat},
		{"inner space", "110105 19491231002", msgResidentFormat},

		{"30 February", testResidentID("11010520000230001"), msgResidentBirthInvalid},
		{"29 February of a common year", testResidentID("11010520010229001"), msgResidentBirthInvalid},
		{"29 February 1900", testResidentID("11010519000229001"), msgResidentBirthInvalid},
		{"month 13", testResidentID("11010519991301001"), msgResidentBirthInvalid},
		{"month 00", testResidentID("11010519990001001"), msgResidentBirthInvalid},
		{"day 00", testResidentID("11010519990100001"), msgResidentBirthInvalid},
		{"31 April", testResidentID("11010519990431001"), msgResidentBirthInvalid},

		{"born 1899-12-31", testResidentID("11010518991231001"), msgResidentBirthEarly},
		{"born in year 0000", testResidentID("11010500000101001"), msgResidentBirthEarly},
		{"born the day after the application", testResidentID("11010520260311001"), msgResidentBirthFuture},
		{"born 2099", testResidentID("11010520990101001"), msgResidentBirthFuture},

		{"wrong check digit", "110105194912310021", msgResidentCheck},
		{"two digits swapped", "11010519491231020X", msgResidentCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantValidationErr(t, ValidateResidentID(tt.id, validateToday), tt.want)
		})
	}

	t.Run("zero today leaves the upper bound open", func(t *testing.T) {
		wantValidationErr(t, ValidateResidentID(testResidentID("11010520990101001"), Date{}), bilingual{})
	})
}

func TestValidateCreditCode(t *testing.T) {
	// A code whose check value is 31, written 0.
	var zeroCheck string
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if code := testCreditCode("9111000060003734" + string(c)); code[17] == '0' {
			zeroCheck = code
			break
		}
	}
	if zeroCheck == "" {
		t.Fatal("no code with check character 0 found")
	}

	tests := []struct {
		name string
		code string
		want bilingual
	}{
		{"published example", "91350100M000100Y43", bilingual{}},
		{"lowercase", "91350100m000100y43", bilingual{}},
		{"computed", testCreditCode("91110000600037341"), bilingual{}},
		{"computed, social organisation", testCreditCode("51100000500000012"), bilingual{}},
		{"check character 0", zeroCheck, bilingual{}},

		{"wrong check character", "91350100M000100Y44", msgCreditCheck},
		{"two characters swapped", "91350100M000100Y34", msgCreditCheck},
		{"empty", "", msgCreditFormat},
		{"17 characters", "91350100M000100Y4", msgCreditFormat},
		{"19 characters", "91350100M000100Y430", msgCreditFormat},
		{"letter I", "91350100I000100Y43", msgCreditFormat},
		{"letter O", "91350100O000100Y43", msgCreditFormat},
		{"letter Z", "91350100Z000100Y43", msgCreditFormat},
		{"letter S", "91350100S000100Y43", msgCreditFormat},
		{"letter V", "91350100V000100Y43", msgCreditFormat},
		{"hyphen", "91350100-000100Y43", msgCreditFormat},
		{"full-width letter", "91350100Ｍ000100Y43", msgCreditFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantValidationErr(t, ValidateCreditCode(tt.code), tt.want)
		})
	}
}

func TestValidateIDNumber(t *testing.T) {
	tests := []struct {
		name, kind, idType, number string
		want                       bilingual
	}{
		{"person, resident ID", KindPerson, IDResident, "11010519491231002X", bilingual{}},
		{"person, resident ID needing normalisation", KindPerson, IDResident, " 110105 19491231 002x ", bilingual{}},
		{"organisation, credit code", KindOrganization, IDCredit, "91350100M000100Y43", bilingual{}},
		{"organisation, lowercase credit code", KindOrganization, IDCredit, "91350100m000100y43", bilingual{}},
		{"no kind: only the number is checked", "", IDResident, "11010519491231002X", bilingual{}},
		{"codes are trimmed and lowercased", " Person ", " RESIDENT_ID", "11010519491231002X", bilingual{}},

		// docs/rules.md §1: credit_code is for organisations only, resident_id for persons only.
		{"person with a credit code", KindPerson, IDCredit, "91350100M000100Y43", msgCreditForPerson},
		{"organisation with a resident ID", KindOrganization, IDResident, "11010519491231002X", msgResidentForOrg},
		{"unknown kind", "company", IDPassport, "E12345678", notOneOf(labelKind, ApplicantKinds)},
		{"no type", KindPerson, "", "E12345678", msgIDTypeRequired},
		{"unknown type", KindPerson, "driving_licence", "E12345678", notOneOf(labelIDType, IDTypes)},
		{"no number", KindPerson, IDPassport, "  ", msgIDNumberRequired},
		{"resident ID, wrong check digit", KindPerson, IDResident, "110105194912310021", msgResidentCheck},
		{"resident ID born in the future", KindPerson, IDResident, testResidentID("11010520270101001"), msgResidentBirthFuture},
		{"credit code, wrong check", KindOrganization, IDCredit, "91350100M000100Y44", msgCreditCheck},

		{"passport", KindPerson, IDPassport, "E12345678", bilingual{}},
		{"passport, lowercase", KindPerson, IDPassport, "e12345678", bilingual{}},
		{"passport, 5 characters", KindPerson, IDPassport, "AB123", bilingual{}},
		{"passport, 20 characters", KindPerson, IDPassport, "ABCDEFGHIJ1234567890", bilingual{}},
		{"passport for an organisation", KindOrganization, IDPassport, "E12345678", bilingual{}},
		{"passport, 4 characters", KindPerson, IDPassport, "AB12", msgPassport},
		{"passport, 21 characters", KindPerson, IDPassport, "ABCDEFGHIJ12345678901", msgPassport},
		{"passport, hyphen", KindPerson, IDPassport, "E1234-5678", msgPassport},

		{"HK permit, 8 digits", KindPerson, IDHKMacau, "H12345678", bilingual{}},
		{"Macao permit, 10 digits", KindPerson, IDHKMacau, "M1234567890", bilingual{}},
		{"HK permit, lowercase", KindPerson, IDHKMacau, "h12345678", bilingual{}},
		{"HK permit, 7 digits", KindPerson, IDHKMacau, "H1234567", msgHKMacau},
		{"HK permit, 9 digits", KindPerson, IDHKMacau, "H123456789", msgHKMacau},
		{"HK permit, letter K", KindPerson, IDHKMacau, "K12345678", msgHKMacau},

		{"Taiwan permit, 8 digits", KindPerson, IDTaiwan, "12345678", bilingual{}},
		{"Taiwan permit, 10 digits", KindPerson, IDTaiwan, "1234567890", bilingual{}},
		{"Taiwan permit, 9 digits", KindPerson, IDTaiwan, "123456789", msgTaiwan},
		{"Taiwan permit, letter", KindPerson, IDTaiwan, "T12345678", msgTaiwan},

		{"other", KindPerson, IDOther, "军官证 第123号", bilingual{}},
		{"other, 50 characters", KindPerson, IDOther, strings.Repeat("证", 50), bilingual{}},
		{"other, 51 characters", KindPerson, IDOther, strings.Repeat("证", 51), tooLong(labelIDNumber, 50)},
		{"other, control character", KindPerson, IDOther, "No.\x00123", badChars(labelIDNumber)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantValidationErr(t, ValidateIDNumber(tt.kind, tt.idType, tt.number, validateToday), tt.want)
		})
	}
}

func TestValidatePhoneFaxPostcodeEmail(t *testing.T) {
	tests := []struct {
		name     string
		validate func(string) error
		in       string
		want     bilingual
	}{
		{"mobile", ValidatePhone, "13800138000", bilingual{}},
		{"mobile 19x", ValidatePhone, "19912345678", bilingual{}},
		{"landline with hyphen", ValidatePhone, "010-12345678", bilingual{}},
		{"landline without hyphen", ValidatePhone, "01012345678", bilingual{}},
		{"landline, 4-digit area code, 7 digits", ValidatePhone, "0755-1234567", bilingual{}},
		{"landline with extension", ValidatePhone, "021-12345678-123", bilingual{}},
		{"landline with 6-digit extension", ValidatePhone, "0571-88888888-123456", bilingual{}},
		{"mobile 12x", ValidatePhone, "12800138000", msgPhone},
		{"mobile, 10 digits", ValidatePhone, "1380013800", msgPhone},
		{"mobile, 12 digits", ValidatePhone, "138001380000", msgPhone},
		{"mobile with country code", ValidatePhone, "+8613800138000", msgPhone},
		{"mobile with spaces", ValidatePhone, "138 0013 8000", msgPhone},
		{"landline, 1-digit area code", ValidatePhone, "01-12345678", msgPhone},
		{"landline, 6 digits", ValidatePhone, "010-123456", msgPhone},
		{"landline, 9 digits", ValidatePhone, "010-123456789", msgPhone},
		{"landline, 7-digit extension", ValidatePhone, "021-12345678-1234567", msgPhone},
		{"empty phone", ValidatePhone, "", msgPhone},

		{"fax", ValidateFax, "010-12345678", bilingual{}},
		{"fax with extension", ValidateFax, "0755-1234567-12", bilingual{}},
		{"fax: a mobile number", ValidateFax, "13800138000", msgFax},
		{"empty fax", ValidateFax, "", msgFax},

		{"postcode", ValidatePostcode, "100000", bilingual{}},
		{"postcode, 5 digits", ValidatePostcode, "10000", msgPostcode},
		{"postcode, 7 digits", ValidatePostcode, "1000000", msgPostcode},
		{"postcode with a letter", ValidatePostcode, "10000A", msgPostcode},
		{"empty postcode", ValidatePostcode, "", msgPostcode},

		{"e-mail", ValidateEmail, "name@example.com", bilingual{}},
		{"e-mail with subdomain and tag", ValidateEmail, "a.b+tag@mail.example.com.cn", bilingual{}},
		{"e-mail in Chinese", ValidateEmail, "用户@例子.中国", bilingual{}},
		{"empty e-mail", ValidateEmail, "", msgEmail},
		{"no @", ValidateEmail, "name.example.com", msgEmail},
		{"two @", ValidateEmail, "name@@example.com", msgEmail},
		{"no dot in the domain", ValidateEmail, "name@localhost", msgEmail},
		{"display name", ValidateEmail, "Name <name@example.com>", msgEmail},
		{"angle brackets", ValidateEmail, "<name@example.com>", msgEmail},
		{"comment", ValidateEmail, "name@example.com (office)", msgEmail},
		{"address literal", ValidateEmail, "name@[192.168.0.1]", msgEmail},
		{"empty label", ValidateEmail, "name@example..com", msgEmail},
		{"space", ValidateEmail, "na me@example.com", msgEmail},
		{"two addresses", ValidateEmail, "a@example.com, b@example.com", msgEmail},
		{"too long", ValidateEmail, strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".com", msgEmail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantValidationErr(t, tt.validate(tt.in), tt.want)
		})
	}
}

func TestNormalizeIDNumber(t *testing.T) {
	tests := []struct{ idType, in, want string }{
		{IDResident, " 110105 19491231 002x\t", "11010519491231002X"},
		{IDResident, "１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"},
		{IDCredit, "91350100m000100y43 ", "91350100M000100Y43"},
		{IDPassport, " e 1234 5678", "E12345678"},
		{IDHKMacau, "h12345678", "H12345678"},
		{IDTaiwan, "1234\u30005678", "12345678"},
		{" Resident_ID ", "11010519491231002x", "11010519491231002X"},
		{IDOther, "  军官证   第 123 号 ", "军官证 第 123 号"},
		{IDOther, "abc", "abc"},
		{"unknown", "  a  b ", "a b"},
	}
	for _, tt := range tests {
		if got := NormalizeIDNumber(tt.idType, tt.in); got != tt.want {
			t.Errorf("NormalizeIDNumber(%q, %q) = %q, want %q", tt.idType, tt.in, got, tt.want)
		}
	}
}

func TestApplicationNormalize(t *testing.T) {
	a := Application{
		Agency: " wq-fgw ",
		Applicant: Applicant{
			Kind: " Person ", Name: " 张\u3000三\n ", IDType: "RESIDENT_ID ", IDNumber: " 110105 19491231 002x",
			OrgCategory: "business", LegalRep: " ", ContactName: " 李 四 ",
			Phone: " 138 0013 8000 ", Email: " name＠example.com ", Address: " 北京市\r\n西城区 某街1号 ",
			Postcode: "１０００００", Fax: "010 - 12345678",
		},
		Description: "  第一行\r\n第二行\r第三行\t\n  ",
		Purpose:     " 学习研究 ",
		Delivery:    " EMAIL", Carrier: "Electronic ", Channel: " In_Person ",
	}
	a.Normalize()
	want := Application{
		Agency: "wq-fgw",
		Applicant: Applicant{
			Kind: KindPerson, Name: "张 三", IDType: IDResident, IDNumber: "11010519491231002X",
			OrgCategory: "", LegalRep: "", ContactName: "李 四",
			Phone: "13800138000", Email: "name@example.com", Address: "北京市 西城区 某街1号",
			Postcode: "100000", Fax: "010-12345678",
		},
		Description: "第一行\n第二行\n第三行",
		Purpose:     "学习研究",
		Delivery:    DeliveryEmail, Carrier: "electronic", Channel: ChannelInPerson,
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("Normalize:\n got %+v\nwant %+v", a, want)
	}

	// An organisation keeps its category; Normalize is idempotent.
	o := validOrganization()
	o.Applicant.OrgCategory = " Legal_Service "
	o.Normalize()
	if o.Applicant.OrgCategory != "legal_service" {
		t.Errorf("organisation category = %q", o.Applicant.OrgCategory)
	}
	again := a
	again.Normalize()
	if !reflect.DeepEqual(again, a) {
		t.Errorf("Normalize is not idempotent: %+v", again)
	}
}

// validPerson is a complete application by a natural person, as an applicant submits it online.
func validPerson() Application {
	return Application{
		Applicant: Applicant{
			Kind: KindPerson, Name: "张三", IDType: IDResident, IDNumber: "11010519491231002X",
			Phone: "13800138000",
		},
		Description: "2025年本区财政预算执行情况报告全文",
		Delivery:    DeliveryOnline,
		Carrier:     "electronic",
	}
}

// validOrganization is a complete application by an organisation that wants paper copies by post.
func validOrganization() Application {
	return Application{
		Applicant: Applicant{
			Kind: KindOrganization, Name: "某某律师事务所", IDType: IDCredit, IDNumber: "91350100M000100Y43",
			OrgCategory: "legal_service", LegalRep: "李四", ContactName: "王五",
			Phone: "010-12345678", Email: "office@example.com", Address: "北京市西城区某街1号",
			Postcode: "100032",
		},
		Description: "望城区2025年第3号文件《关于某项目征收补偿方案的批复》",
		Purpose:     "代理案件",
		Delivery:    DeliveryPost,
		Carrier:     "paper",
	}
}

// registeredByStaff makes a an application registered by staff: received in person today.
func registeredByStaff(a Application) Application {
	a.Channel = ChannelInPerson
	a.ReceivedOn = validateToday
	return a
}

func TestApplicationValidate(t *testing.T) {
	type fields map[string]bilingual
	tests := []struct {
		name   string
		base   Application
		staff  bool
		change func(a *Application)
		want   fields // nil: valid
	}{
		// Valid applications.
		{"person", validPerson(), false, nil, nil},
		{"organisation, by post", validOrganization(), false, nil, nil},
		{"registered by staff, received today", registeredByStaff(validPerson()), true, nil, nil},
		{"registered by staff, received in the past", registeredByStaff(validPerson()), true, func(a *Application) {
			a.ReceivedOn = MustDate("2025-12-31")
		}, nil},
		{"public: channel and receipt date are not checked", validPerson(), false, func(a *Application) {
			a.Channel, a.ReceivedOn = "carrier pigeon", validateToday.AddDays(5)
		}, nil},
		{"Art. 27: no purpose needed", validOrganization(), false, func(a *Application) { a.Purpose = "" }, nil},
		{"Art. 27: any purpose", validPerson(), false, func(a *Application) { a.Purpose = "了解情况，不便说明" }, nil},
		{"input needing normalisation", validPerson(), false, func(a *Application) {
			a.Applicant.Kind, a.Applicant.Name = " PERSON", "  张\n三 "
			a.Applicant.IDNumber = " 110105 19491231 002x "
			a.Applicant.Phone = "１３８ ００１３ ８０００"
			a.Delivery, a.Carrier = " Online ", "ELECTRONIC"
		}, nil},
		{"person: organisation category ignored", validPerson(), false, func(a *Application) {
			a.Applicant.OrgCategory = "no such category"
		}, nil},
		{"person with a passport", validPerson(), false, func(a *Application) {
			a.Applicant.IDType, a.Applicant.IDNumber = IDPassport, "E12345678"
		}, nil},
		{"person with a Taiwan permit", validPerson(), false, func(a *Application) {
			a.Applicant.IDType, a.Applicant.IDNumber = IDTaiwan, "12345678"
		}, nil},
		{"e-mail delivery with an address", validPerson(), false, func(a *Application) {
			a.Delivery, a.Applicant.Email = DeliveryEmail, "zhang@example.com"
		}, nil},
		{"fax delivery with a fax number", validPerson(), false, func(a *Application) {
			a.Delivery, a.Applicant.Fax = DeliveryFax, "0731-88888888"
		}, nil},
		{"pickup needs no address", validPerson(), false, func(a *Application) { a.Delivery = DeliveryPickup }, nil},
		{"onsite needs no address", validPerson(), false, func(a *Application) { a.Delivery = DeliveryOnsite }, nil},
		{"name of 100 characters", validPerson(), false, func(a *Application) { a.Applicant.Name = strings.Repeat("名", 100) }, nil},
		{"description of 5 characters", validPerson(), false, func(a *Application) { a.Description = "预算报告书" }, nil},
		{"description of 2000 characters", validPerson(), false, func(a *Application) { a.Description = strings.Repeat("文", 2000) }, nil},
		{"description over several lines", validPerson(), false, func(a *Application) {
			a.Description = "1. 文件名称：某某批复\r\n2. 文号：望政〔2025〕3号\n\t附件一并提供"
		}, nil},
		{"purpose of 500 characters", validPerson(), false, func(a *Application) { a.Purpose = strings.Repeat("用", 500) }, nil},

		// Art. 27, 29: who applies.
		{"no kind", validPerson(), false, func(a *Application) { a.Applicant.Kind = "" },
			fields{"applicant.kind": msgKindRequired}},
		{"unknown kind", validPerson(), false, func(a *Application) { a.Applicant.Kind = "company" },
			fields{"applicant.kind": notOneOf(labelKind, ApplicantKinds)}},
		{"unknown kind with a credit code: reported once, on the kind", validOrganization(), false, func(a *Application) {
			a.Applicant.Kind = "company"
		}, fields{"applicant.kind": notOneOf(labelKind, ApplicantKinds)}},

		// Art. 29(一): name.
		{"no name", validPerson(), false, func(a *Application) { a.Applicant.Name = "" },
			fields{"applicant.name": msgNameRequired}},
		{"blank name", validPerson(), false, func(a *Application) { a.Applicant.Name = " \u3000\t" },
			fields{"applicant.name": msgNameRequired}},
		{"name of 101 characters", validPerson(), false, func(a *Application) { a.Applicant.Name = strings.Repeat("名", 101) },
			fields{"applicant.name": tooLong(labelName, 100)}},
		{"name with a NUL", validPerson(), false, func(a *Application) { a.Applicant.Name = "张\x00三" },
			fields{"applicant.name": badChars(labelName)}},
		{"name with an escape", validPerson(), false, func(a *Application) { a.Applicant.Name = "张\x1b[31m三" },
			fields{"applicant.name": badChars(labelName)}},
		{"name with DEL", validPerson(), false, func(a *Application) { a.Applicant.Name = "张三\x7f" },
			fields{"applicant.name": badChars(labelName)}},
		{"name with a right-to-left override", validPerson(), false, func(a *Application) { a.Applicant.Name = "张\u202e三" },
			fields{"applicant.name": badChars(labelName)}},
		{"name not UTF-8", validPerson(), false, func(a *Application) { a.Applicant.Name = "张\xff三" },
			fields{"applicant.name": badChars(labelName)}},

		// Art. 29(一): identity proof; docs/rules.md §1 identity numbers.
		{"no ID type", validPerson(), false, func(a *Application) { a.Applicant.IDType = "" },
			fields{"applicant.id_type": msgIDTypeRequired}},
		{"unknown ID type", validPerson(), false, func(a *Application) { a.Applicant.IDType = "student_card" },
			fields{"applicant.id_type": notOneOf(labelIDType, IDTypes)}},
		{"no ID number", validPerson(), false, func(a *Application) { a.Applicant.IDNumber = " " },
			fields{"applicant.id_number": msgIDNumberRequired}},
		{"person with a credit code", validPerson(), false, func(a *Application) {
			a.Applicant.IDType, a.Applicant.IDNumber = IDCredit, "91350100M000100Y43"
		}, fields{"applicant.id_type": msgCreditForPerson}},
		{"organisation with a resident ID", validOrganization(), false, func(a *Application) {
			a.Applicant.IDType, a.Applicant.IDNumber = IDResident, "11010519491231002X"
		}, fields{"applicant.id_type": msgResidentForOrg}},
		{"organisation with a wrong type and no number", validOrganization(), false, func(a *Application) {
			a.Applicant.IDType, a.Applicant.IDNumber = IDResident, ""
		}, fields{"applicant.id_type": msgResidentForOrg, "applicant.id_number": msgIDNumberRequired}},
		{"resident ID of 17 digits", validPerson(), false, func(a *Application) { a.Applicant.IDNumber = "11010519491231002" },
			fields{"applicant.id_number": msgResidentFormat}},
		{"resident ID, wrong check digit", validPerson(), false, func(a *Application) { a.Applicant.IDNumber = "110105194912310021" },
			fields{"applicant.id_number": msgResidentCheck}},
		{"resident ID born 30 February", validPerson(), false, func(a *Application) {
			a.Applicant.IDNumber = testResidentID("11010519800230001")
		}, fields{"applicant.id_number": msgResidentBirthInvalid}},
		{"resident ID born 1899", validPerson(), false, func(a *Application) {
			a.Applicant.IDNumber = testResidentID("11010518990615001")
		}, fields{"applicant.id_number": msgResidentBirthEarly}},
		{"resident ID born tomorrow", validPerson(), false, func(a *Application) {
			a.Applicant.IDNumber = testResidentID("11010520260311001")
		}, fields{"applicant.id_number": msgResidentBirthFuture}},
		{"credit code, wrong check", validOrganization(), false, func(a *Application) { a.Applicant.IDNumber = "91350100M000100Y44" },
			fields{"applicant.id_number": msgCreditCheck}},
		{"credit code with O", validOrganization(), false, func(a *Application) { a.Applicant.IDNumber = "91350100O000100Y43" },
			fields{"applicant.id_number": msgCreditFormat}},
		{"passport too short", validPerson(), false, func(a *Application) {
			a.Applicant.IDType, a.Applicant.IDNumber = IDPassport, "E123"
		}, fields{"applicant.id_number": msgPassport}},
		{"HK permit with a wrong letter", validPerson(), false, func(a *Application) {
			a.Applicant.IDType, a.Applicant.IDNumber = IDHKMacau, "A12345678"
		}, fields{"applicant.id_number": msgHKMacau}},

		// Organisations: category for the annual report, contact person, legal representative.
		{"organisation without category (optional in the API, filed under other: Art. 29 does not ask for it)", validOrganization(), false, func(a *Application) { a.Applicant.OrgCategory = "" },
			nil},
		{"organisation with an unknown category", validOrganization(), false, func(a *Application) { a.Applicant.OrgCategory = "government" },
			fields{"applicant.org_category": notOneOf(labelOrgCategory, OrgCategories)}},
		{"organisation without contact person (optional: docs/api.md contact_name?)", validOrganization(), false, func(a *Application) { a.Applicant.ContactName = "" },
			nil},
		{"contact person's name too long", validPerson(), false, func(a *Application) { a.Applicant.ContactName = strings.Repeat("联", 101) },
			fields{"applicant.contact_name": tooLong(labelContactName, 100)}},
		{"legal representative's name too long", validOrganization(), false, func(a *Application) { a.Applicant.LegalRep = strings.Repeat("法", 101) },
			fields{"applicant.legal_rep": tooLong(labelLegalRep, 100)}},
		{"legal representative's name with a control character", validOrganization(), false, func(a *Application) { a.Applicant.LegalRep = "李\a四" },
			fields{"applicant.legal_rep": badChars(labelLegalRep)}},

		// Art. 29(一): contact details.
		{"no phone", validPerson(), false, func(a *Application) { a.Applicant.Phone = "" },
			fields{"applicant.phone": msgPhoneRequired}},
		{"bad phone", validPerson(), false, func(a *Application) { a.Applicant.Phone = "12345" },
			fields{"applicant.phone": msgPhone}},

		// Art. 29(三): contact details the delivery way needs.
		{"e-mail delivery without an address", validPerson(), false, func(a *Application) { a.Delivery = DeliveryEmail },
			fields{"applicant.email": msgEmailRequired}},
		{"e-mail delivery with a bad address", validPerson(), false, func(a *Application) {
			a.Delivery, a.Applicant.Email = DeliveryEmail, "zhang@example"
		}, fields{"applicant.email": msgEmail}},
		{"bad e-mail address given anyway", validPerson(), false, func(a *Application) { a.Applicant.Email = "张三 <zhang@example.com>" },
			fields{"applicant.email": msgEmail}},
		{"post without address or postcode", validOrganization(), false, func(a *Application) {
			a.Applicant.Address, a.Applicant.Postcode = "", ""
		}, fields{"applicant.address": msgAddressRequired, "applicant.postcode": msgPostcodeRequired}},
		{"post without postcode", validOrganization(), false, func(a *Application) { a.Applicant.Postcode = "" },
			fields{"applicant.postcode": msgPostcodeRequired}},
		{"bad postcode", validOrganization(), false, func(a *Application) { a.Applicant.Postcode = "10003" },
			fields{"applicant.postcode": msgPostcode}},
		{"bad postcode given anyway", validPerson(), false, func(a *Application) { a.Applicant.Postcode = "ABCDEF" },
			fields{"applicant.postcode": msgPostcode}},
		{"address too long", validOrganization(), false, func(a *Application) { a.Applicant.Address = strings.Repeat("址", 201) },
			fields{"applicant.address": tooLong(labelAddress, 200)}},
		{"address with a control character", validPerson(), false, func(a *Application) { a.Applicant.Address = "某街\x001号" },
			fields{"applicant.address": badChars(labelAddress)}},
		{"fax delivery without a fax number", validPerson(), false, func(a *Application) { a.Delivery = DeliveryFax },
			fields{"applicant.fax": msgFaxRequired}},
		{"fax delivery to a mobile number", validPerson(), false, func(a *Application) {
			a.Delivery, a.Applicant.Fax = DeliveryFax, "13800138000"
		}, fields{"applicant.fax": msgFax}},

		// Art. 29(二): the description.
		{"no description", validPerson(), false, func(a *Application) { a.Description = "" },
			fields{"description": msgDescriptionRequired}},
		{"blank description", validPerson(), false, func(a *Application) { a.Description = " \r\n\t " },
			fields{"description": msgDescriptionRequired}},
		{"description of 4 characters", validPerson(), false, func(a *Application) { a.Description = "预算报告" },
			fields{"description": msgDescriptionShort}},
		{"description of 4 characters and spaces", validPerson(), false, func(a *Application) { a.Description = "  预算报告  " },
			fields{"description": msgDescriptionShort}},
		{"description of 2001 characters", validPerson(), false, func(a *Application) { a.Description = strings.Repeat("文", 2001) },
			fields{"description": tooLong(labelDescription, 2000)}},
		{"description with a control character", validPerson(), false, func(a *Application) { a.Description = "某某文件\x0c全文" },
			fields{"description": badChars(labelDescription)}},

		// Art. 27: the purpose is optional; only its length and characters are checked.
		{"purpose of 501 characters", validPerson(), false, func(a *Application) { a.Purpose = strings.Repeat("用", 501) },
			fields{"purpose": tooLong(labelPurpose, 500)}},
		{"purpose with a control character", validPerson(), false, func(a *Application) { a.Purpose = "研究\x00" },
			fields{"purpose": badChars(labelPurpose)}},

		// Art. 29(三): delivery way and carrier.
		{"no delivery way", validPerson(), false, func(a *Application) { a.Delivery = "" },
			fields{"delivery": msgDeliveryRequired}},
		{"unknown delivery way", validPerson(), false, func(a *Application) { a.Delivery = "courier" },
			fields{"delivery": notOneOf(labelDelivery, DeliveryWays)}},
		{"no carrier", validPerson(), false, func(a *Application) { a.Carrier = "" },
			fields{"carrier": msgCarrierRequired}},
		{"unknown carrier", validPerson(), false, func(a *Application) { a.Carrier = "microfilm" },
			fields{"carrier": notOneOf(labelCarrier, Carriers)}},

		// Art. 31, docs/rules.md §2: registration by staff.
		{"staff: no channel", registeredByStaff(validPerson()), true, func(a *Application) { a.Channel = "" },
			fields{"channel": msgChannelRequired}},
		{"staff: unknown channel", registeredByStaff(validPerson()), true, func(a *Application) { a.Channel = "telegram" },
			fields{"channel": notOneOf(labelChannel, Channels)}},
		{"staff: no receipt date", registeredByStaff(validPerson()), true, func(a *Application) { a.ReceivedOn = Date{} },
			fields{"received_on": msgReceivedOnRequired}},
		{"staff: received tomorrow", registeredByStaff(validPerson()), true, func(a *Application) { a.ReceivedOn = validateToday.AddDays(1) },
			fields{"received_on": msgReceivedOnFuture}},

		// Everything missing.
		{"empty, public", Application{}, false, nil, fields{
			"applicant.kind": msgKindRequired, "applicant.name": msgNameRequired,
			"applicant.id_type": msgIDTypeRequired, "applicant.id_number": msgIDNumberRequired,
			"applicant.phone": msgPhoneRequired, "description": msgDescriptionRequired,
			"delivery": msgDeliveryRequired, "carrier": msgCarrierRequired,
		}},
		{"empty, staff", Application{}, true, nil, fields{
			"applicant.kind": msgKindRequired, "applicant.name": msgNameRequired,
			"applicant.id_type": msgIDTypeRequired, "applicant.id_number": msgIDNumberRequired,
			"applicant.phone": msgPhoneRequired, "description": msgDescriptionRequired,
			"delivery": msgDeliveryRequired, "carrier": msgCarrierRequired,
			"channel": msgChannelRequired, "received_on": msgReceivedOnRequired,
		}},
		{"empty organisation", Application{Applicant: Applicant{Kind: KindOrganization}}, false, nil, fields{
			"applicant.name":    msgNameRequired,
			"applicant.id_type": msgIDTypeRequired, "applicant.id_number": msgIDNumberRequired,
			"applicant.phone": msgPhoneRequired, "description": msgDescriptionRequired,
			"delivery": msgDeliveryRequired, "carrier": msgCarrierRequired,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.base
			if tt.change != nil {
				tt.change(&a)
			}
			before := a
			err := a.Validate(validateToday, tt.staff)
			if !reflect.DeepEqual(a, before) {
				t.Errorf("Validate changed the application")
			}
			if tt.want == nil {
				if err != nil {
					t.Fatalf("got %v %v, want nil", err, validationFieldsEN(err))
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			got := fields{}
			for k, zh := range e.Fields {
				got[k] = bilingual{zh, e.FieldsEN[k]}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields:\n got %v\nwant %v", got, tt.want)
			}
			for k, m := range got {
				if !strings.HasSuffix(m.zh, "。") || !strings.HasSuffix(m.en, ".") || m.en[0] < 'A' || m.en[0] > 'Z' {
					t.Errorf("%s: message not a sentence: %q / %q", k, m.zh, m.en)
				}
			}
		})
	}
}

// validationFieldsEN returns the field messages of err for test output.
func validationFieldsEN(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.FieldsEN
	}
	return nil
}

// TestApplicationJSON decodes the body of "POST /applications" (docs/api.md) and a staff body.
func TestApplicationJSON(t *testing.T) {
	body := `{"agency":"wq-fgw","applicant":{"kind":"organization","name":"某某律师事务所",
		"id_type":"credit_code","id_number":"91350100M000100Y43","org_category":"legal_service",
		"legal_rep":"李四","contact_name":"王五","phone":"010-12345678","email":"office@example.com",
		"address":"北京市西城区某街1号","postcode":"100032"},
		"description":"望城区2025年第3号文件《关于某项目征收补偿方案的批复》","purpose":"代理案件",
		"delivery":"post","carrier":"paper"}`
	var a Application
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	want := validOrganization()
	want.Agency = "wq-fgw"
	if !reflect.DeepEqual(a, want) {
		t.Errorf("decoded:\n got %+v\nwant %+v", a, want)
	}
	if err := a.Validate(validateToday, false); err != nil {
		t.Errorf("Validate: %v %v", err, validationFieldsEN(err))
	}

	var s Application
	if err := json.Unmarshal([]byte(`{"channel":"post_registered","received_on":"2026-03-09"}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.Channel != ChannelPostRegistered || !s.ReceivedOn.Equal(MustDate("2026-03-09")) {
		t.Errorf("staff fields: %+v", s)
	}
}

// The public form asks an organisation for its category and a contact person; the API files a
// missing category under other (Art. 29 lists name, identity proof, contact details and the
// description, not the category).
func TestRequireOnForms(t *testing.T) {
	a := validOrganization()
	a.Applicant.ContactName = ""
	err := RequireOnForms(a, a.Validate(Date{}, false))
	var e *Error
	if !errors.As(err, &e) || e.Fields["applicant.contact_name"] != msgContactNameRequired.zh || len(e.Fields) != 1 {
		t.Fatalf("organisation without contact: %v", err)
	}
	a.Applicant.Phone = ""
	if err := RequireOnForms(a, a.Validate(Date{}, false)); !errors.As(err, &e) || len(e.Fields) != 2 {
		t.Fatalf("merged fields: %v", err)
	}
	b := validOrganization()
	b.Applicant.OrgCategory = " "
	if err := b.Validate(Date{}, false); err != nil {
		t.Fatalf("the API refuses an organisation without category: %v", err)
	}
	if err := RequireOnForms(b, b.Validate(Date{}, false)); !errors.As(err, &e) || e.Fields["applicant.org_category"] != msgOrgCategoryRequired.zh || len(e.Fields) != 1 {
		t.Fatalf("the form does not ask for the category: %v", err)
	}
	b.Normalize()
	if b.Applicant.OrgCategory != OrgOther {
		t.Fatalf("a missing category is filed as %q, not other", b.Applicant.OrgCategory)
	}
	if err := RequireOnForms(validPerson(), nil); err != nil {
		t.Fatalf("person: %v", err)
	}
}
