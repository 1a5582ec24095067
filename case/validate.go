package cases

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file validates what an applicant submits (docs/rules.md §1): the identity numbers, the contact
// details and the application as a whole. The web form, the JSON API and the import all call
// Application.Normalize and then Application.Validate, so that every entry point accepts and refuses
// exactly the same things. Every function returns nil or an EINVALID *Error whose messages are
// formal Chinese (Message) and English (MessageEN).

// Application is what an applicant submits, or what staff register on the applicant's behalf
// (Art. 29). It is the body of "POST /applications" (docs/api.md); staff add Channel and
// ReceivedOn ("POST /cases").
type Application struct {
	Agency      string    `json:"agency,omitempty"`
	Applicant   Applicant `json:"applicant"`
	Description string    `json:"description"`
	Purpose     string    `json:"purpose,omitempty"`
	Delivery    string    `json:"delivery"`
	Carrier     string    `json:"carrier"`
	Channel     string    `json:"channel,omitempty"`
	ReceivedOn  Date      `json:"received_on,omitempty"`
}

// Length limits of text fields, counted in characters (runes).
const (
	maxNameLen        = 100
	maxAddressLen     = 200
	maxEmailLen       = 254
	maxOtherIDLen     = 50
	minDescriptionLen = 5
	maxDescriptionLen = 2000
	maxPurposeLen     = 500
)

// bilingual is a message (or a label) in Chinese and English.
type bilingual struct{ zh, en string }

func (m bilingual) err() error { return &Error{Code: EINVALID, Message: m.zh, MessageEN: m.en} }

// Messages of the identity validators.
var (
	msgResidentFormat        = bilingual{"居民身份证号码应为18位，前17位为数字，最后一位为数字或字母X。", "A resident ID number has 18 characters: 17 digits followed by a digit or the letter X."}
	msgResidentBirthInvalid  = bilingual{"居民身份证号码中的出生日期（第7至14位）不是有效日期。", "The date of birth in the resident ID number (characters 7 to 14) is not a valid date."}
	msgResidentBirthEarly    = bilingual{"居民身份证号码中的出生日期早于1900年1月1日。", "The date of birth in the resident ID number is before 1 January 1900."}
	msgResidentBirthFuture   = bilingual{"居民身份证号码中的出生日期晚于申请日期。", "The date of birth in the resident ID number is after the date of the application."}
	msgResidentCheck         = bilingual{"居民身份证号码校验位不正确，请核对号码。", "The check digit of the resident ID number is wrong; check the number."}
	msgResidentForeignPR     = bilingual{"以9开头的18位号码是外国人永久居留身份证号码，不是居民身份证号码，请将证件类型选为外国人永久居留身份证。", "An 18-digit number beginning with 9 is a foreign permanent resident ID card, not a resident identity card: choose the foreign permanent resident ID card as the type."}
	msgResidentProvince      = bilingual{"居民身份证号码的前两位应为省级行政区划代码（11至82）。", "The first two digits of a resident ID number are a province code (11 to 82)."}
	msgForeignPRFormat       = bilingual{"外国人永久居留身份证号码应为以9开头的18位数字（2023年版），或3位大写英文字母加12位数字（2017年版）。", "A foreign permanent resident ID card number has 18 digits beginning with 9 (2023 card), or 3 capital letters followed by 12 digits (2017 card)."}
	msgForeignPRBirthInvalid = bilingual{"外国人永久居留身份证号码中的出生日期（第7至14位）不是有效日期。", "The date of birth in the foreign permanent resident ID card number (characters 7 to 14) is not a valid date."}
	msgForeignPRBirthEarly   = bilingual{"外国人永久居留身份证号码中的出生日期早于1900年1月1日。", "The date of birth in the foreign permanent resident ID card number is before 1 January 1900."}
	msgForeignPRBirthFuture  = bilingual{"外国人永久居留身份证号码中的出生日期晚于申请日期。", "The date of birth in the foreign permanent resident ID card number is after the date of the application."}
	msgForeignPRCheck        = bilingual{"外国人永久居留身份证号码校验位不正确，请核对号码。", "The check digit of the foreign permanent resident ID card number is wrong; check the number."}
	msgForeignPRForOrg       = bilingual{"外国人永久居留身份证仅适用于自然人，法人或其他组织请选择统一社会信用代码。", "A foreign permanent resident ID card is for natural persons only; a legal person or other organisation must give its unified social credit code."}
	msgCreditFormat          = bilingual{"统一社会信用代码应为18位，由数字和除I、O、Z、S、V以外的大写英文字母组成。", "A unified social credit code has 18 characters: digits and capital letters other than I, O, Z, S and V."}
	msgCreditCheck           = bilingual{"统一社会信用代码校验位不正确，请核对代码。", "The check character of the unified social credit code is wrong; check the code."}
	msgPassport              = bilingual{"护照号码应为5至20位英文字母或数字。", "A passport number has 5 to 20 letters or digits."}
	msgHKMacau               = bilingual{"港澳居民来往内地通行证号码应为字母H或M后接8位或10位数字。", "A Mainland travel permit number for Hong Kong and Macao residents is the letter H or M followed by 8 or 10 digits."}
	msgTaiwan                = bilingual{"台湾居民来往大陆通行证号码应为8位或10位数字。", "A Mainland travel permit number for Taiwan residents has 8 or 10 digits."}
	msgIDNumberRequired      = bilingual{"请填写证件号码。", "Enter the number of the identity document."}
	msgIDTypeRequired        = bilingual{"请选择证件类型。", "Choose the type of identity document."}
	msgCreditForPerson       = bilingual{"统一社会信用代码仅适用于法人或其他组织，自然人请选择居民身份证、护照等个人证件。", "A unified social credit code is for legal persons and other organisations only; a natural person must choose a personal document such as a resident identity card or a passport."}
	msgResidentForOrg        = bilingual{"居民身份证仅适用于自然人，法人或其他组织请选择统一社会信用代码。", "A resident identity card is for natural persons only; a legal person or other organisation must give its unified social credit code."}
	msgPhone                 = bilingual{"联系电话格式不正确，应为11位手机号码或带区号的固定电话号码（如010-12345678，分机号以“-”隔开）。", "The telephone number is not valid: give an 11-digit mobile number or a landline number with its area code (e.g. 010-12345678, an extension after a hyphen)."}
	msgFax                   = bilingual{"传真号码格式不正确，应为带区号的号码（如010-12345678）。", "The fax number is not valid: give a number with its area code (e.g. 010-12345678)."}
	msgEmail                 = bilingual{"电子邮箱地址格式不正确，应为形如name@example.com的地址。", "The e-mail address is not valid: give an address such as name@example.com."}
	msgPostcode              = bilingual{"邮政编码应为6位数字。", "A postcode has 6 digits."}
)

// Messages of Application.Validate.
var (
	msgKindRequired        = bilingual{"请选择申请人类型（自然人或法人或其他组织）。", "Choose the kind of applicant: a natural person, or a legal person or other organisation."}
	msgNameRequired        = bilingual{"请填写申请人姓名或组织名称。", "Enter the applicant's name or the organisation's name."}
	msgOrgCategoryRequired = bilingual{"请选择组织类别。", "Choose the category of the organisation."}
	msgContactNameRequired = bilingual{"法人或其他组织申请的，请填写联系人姓名。", "Enter the name of the organisation's contact person."}
	msgPhoneRequired       = bilingual{"请填写联系电话。", "Enter a contact telephone number."}
	msgEmailRequired       = bilingual{"选择以电子邮件方式获取信息的，请填写电子邮箱地址。", "Enter an e-mail address to receive the information by e-mail."}
	msgAddressRequired     = bilingual{"选择以邮寄方式获取信息的，请填写通信地址。", "Enter a postal address to receive the information by post."}
	msgPostcodeRequired    = bilingual{"选择以邮寄方式获取信息的，请填写邮政编码。", "Enter the postcode to receive the information by post."}
	msgFaxRequired         = bilingual{"选择以传真方式获取信息的，请填写传真号码。", "Enter a fax number to receive the information by fax."}
	msgDescriptionRequired = bilingual{"请描述所需的政府信息（如文件名称、文号或其他便于查找的特征）。", "Describe the information you ask for: its title, document number or other features that help find it."}
	msgDescriptionShort    = bilingual{"所需政府信息的描述过于简略，请至少填写5个字。", "The description of the information is too short; write at least 5 characters."}
	msgDeliveryRequired    = bilingual{"请选择获取信息的方式。", "Choose how you wish to receive the information."}
	msgCarrierRequired     = bilingual{"请选择信息的载体形式（纸质或电子）。", "Choose the form of the information: paper or electronic."}
	msgChannelRequired     = bilingual{"请选择申请方式。", "Choose the channel through which the application was made."}
	msgReceivedOnRequired  = bilingual{"请填写收到申请的日期。", "Enter the date the application was received."}
	msgReceivedOnFuture    = bilingual{"收到申请的日期不得晚于今天。", "The date of receipt must not be after today."}
	msgReceivedOnEarly     = bilingual{"收到申请的日期不得早于2019年5月15日（《条例》施行之日）。", "The date of receipt must not be before 15 May 2019, when the Regulations took effect."}
	msgReceivedOnToday     = bilingual{"网上、传真和电子邮件申请以登记之日为收到申请之日（第三十一条），收到日期应为今天。", "An online, fax or e-mail application is received on the day it is registered (Art. 31): the date of receipt must be today."}
)

// Labels of fields, for the messages built by notOneOf, tooLong and badChars. The English label
// is a noun phrase that reads after "Enter" and, capitalised, at the start of a sentence.
var (
	labelKind        = bilingual{"申请人类型", "the kind of applicant"}
	labelName        = bilingual{"申请人姓名或组织名称", "the applicant's name or the organisation's name"}
	labelIDType      = bilingual{"证件类型", "the type of identity document"}
	labelIDNumber    = bilingual{"证件号码", "the identity document number"}
	labelOrgCategory = bilingual{"组织类别", "the category of the organisation"}
	labelLegalRep    = bilingual{"法定代表人或负责人姓名", "the name of the legal representative or person in charge"}
	labelContactName = bilingual{"联系人姓名", "the contact person's name"}
	labelAddress     = bilingual{"通信地址", "the postal address"}
	labelDescription = bilingual{"所需政府信息的描述", "the description of the information"}
	labelPurpose     = bilingual{"用途", "the purpose"}
	labelDelivery    = bilingual{"获取信息的方式", "the way of receiving the information"}
	labelCarrier     = bilingual{"信息的载体形式", "the form of the information"}
	labelChannel     = bilingual{"申请方式", "the channel of the application"}
)

// notOneOf is the message for a value outside the closed list l.
func notOneOf(label bilingual, l CodeList) bilingual {
	zh := make([]string, len(l))
	en := make([]string, len(l))
	for i, c := range l {
		zh[i], en[i] = c.ZH, c.EN
	}
	return bilingual{
		label.zh + "不正确，应为以下之一：" + strings.Join(zh, "、") + "。",
		capitalizeEN(label.en) + " is not valid; it must be one of: " + strings.Join(en, ", ") + ".",
	}
}

// tooLong is the message for a text longer than limit characters.
func tooLong(label bilingual, limit int) bilingual {
	n := strconv.Itoa(limit)
	return bilingual{
		label.zh + "不得超过" + n + "个字。",
		capitalizeEN(label.en) + " must not exceed " + n + " characters.",
	}
}

// capitalizeEN uppercases the first letter of an English phrase.
func capitalizeEN(s string) string {
	if s == "" {
		return s
	}
	return string(upperASCII(s[0])) + s[1:]
}

// badChars is the message for a text with control characters or bytes that are not UTF-8.
func badChars(label bilingual) bilingual {
	return bilingual{
		label.zh + "含有控制字符或无法识别的字符，请删除后重新填写。",
		capitalizeEN(label.en) + " contains control characters or unreadable characters; remove them.",
	}
}

// Patterns of docs/rules.md §1. Go's \d matches ASCII digits only.
var (
	rePassport = regexp.MustCompile(`^[A-Za-z0-9]{5,20}$`)
	reHKMacau  = regexp.MustCompile(`^[HM]\d{8}(\d{2})?$`)
	reTaiwan   = regexp.MustCompile(`^\d{8}(\d{2})?$`)
	reMobile   = regexp.MustCompile(`^1[3-9]\d{9}$`)
	reLandline = regexp.MustCompile(`^0\d{2,3}-?\d{7,8}(-\d{1,6})?$`)
	rePostcode = regexp.MustCompile(`^\d{6}$`)
)

// residentWeights are the ISO 7064 MOD 11-2 weights (2^(17-i) mod 11) of the first 17 digits of a
// resident ID number; residentCheck maps the weighted sum mod 11 to the check character.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const residentCheck = "10X98765432"

// earliestBirth is the earliest date of birth accepted in a resident ID number.
var earliestBirth = NewDate(1900, time.January, 1)

// ValidateResidentID checks an 18-character 居民身份证 number (GB 11643-1999): 17 digits and a
// check character (a digit or X; a lowercase x is accepted, NormalizeIDNumber uppercases it),
// the ISO 7064 MOD 11-2 check character, and the date of birth in characters 7–14, which must be a
// calendar date not before 1900-01-01 and not after today (the day of application). A zero today
// leaves the upper bound unchecked. It returns nil or an EINVALID *Error.
func ValidateResidentID(s string, today Date) error {
	if len(s) != 18 {
		return msgResidentFormat.err()
	}
	for i := 0; i < 17; i++ {
		if !isASCIIDigit(s[i]) {
			return msgResidentFormat.err()
		}
	}
	last := upperASCII(s[17])
	if !isASCIIDigit(last) && last != 'X' {
		return msgResidentFormat.err()
	}
	// The first two digits are a province (11–82): a number beginning with 9 is a 外国人永久居留身份证
	// (docs/rules.md §1), one beginning with 0 is nothing.
	switch s[0] {
	case '9':
		return msgResidentForeignPR.err()
	case '0':
		return msgResidentProvince.err()
	}
	return checkBirthAndMod112(s, today, residentMsgs)
}

// birthCheckMsgs are the messages of checkBirthAndMod112 for one kind of document.
type birthCheckMsgs struct{ invalid, early, future, check bilingual }

var (
	residentMsgs  = birthCheckMsgs{msgResidentBirthInvalid, msgResidentBirthEarly, msgResidentBirthFuture, msgResidentCheck}
	foreignPRMsgs = birthCheckMsgs{msgForeignPRBirthInvalid, msgForeignPRBirthEarly, msgForeignPRBirthFuture, msgForeignPRCheck}
)

// checkBirthAndMod112 checks an 18-character number of 17 digits and a check character (digit or
// X, uppercase): the date of birth in characters 7–14 (a calendar date, not before 1900-01-01, not
// after today when today is set) and the ISO 7064 MOD 11-2 check character.
func checkBirthAndMod112(s string, today Date, m birthCheckMsgs) error {
	last := upperASCII(s[17])
	y, _ := strconv.Atoi(s[6:10]) // all digits: checked by the caller
	mo, _ := strconv.Atoi(s[10:12])
	d, _ := strconv.Atoi(s[12:14])
	if mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, time.Month(mo)) {
		return m.invalid.err()
	}
	birth := NewDate(y, time.Month(mo), d)
	if birth.Before(earliestBirth) {
		return m.early.err()
	}
	if !today.IsZero() && birth.After(today) {
		return m.future.err()
	}
	sum := 0
	for i, w := range residentWeights {
		sum += int(s[i]-'0') * w
	}
	if residentCheck[sum%11] != last {
		return m.check.err()
	}
	return nil
}

// ValidateForeignPR checks a 外国人永久居留身份证 number (docs/rules.md §1): the 2023 card, 18
// characters beginning with 9 — issuing province (2 digits), nationality code (3), date of birth
// (8), serial (3) and the MOD 11-2 check character of the 居民身份证, the birth date checked the
// same way against today (the day of application) — or the 2017 card, 3 capital letters and 12
// digits. It returns nil or an EINVALID *Error.
func ValidateForeignPR(s string, today Date) error {
	if len(s) == 15 {
		for i := 0; i < 15; i++ {
			if i < 3 && !('A' <= s[i] && s[i] <= 'Z') || i >= 3 && !isASCIIDigit(s[i]) {
				return msgForeignPRFormat.err()
			}
		}
		return nil
	}
	if len(s) != 18 || s[0] != '9' {
		return msgForeignPRFormat.err()
	}
	for i := 0; i < 17; i++ {
		if !isASCIIDigit(s[i]) {
			return msgForeignPRFormat.err()
		}
	}
	if last := upperASCII(s[17]); !isASCIIDigit(last) && last != 'X' {
		return msgForeignPRFormat.err()
	}
	return checkBirthAndMod112(s, today, foreignPRMsgs)
}

// creditAlphabet holds the 31 characters of a 统一社会信用代码; a character's value is its index.
// creditWeights are the GB 32100-2015 weights (3^(i-1) mod 31) of the first 17 characters.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidateCreditCode checks a 统一社会信用代码 (GB 32100-2015): 18 characters from 0-9 and
// ABCDEFGHJKLMNPQRTUWXY (lowercase letters are accepted, NormalizeIDNumber uppercases them) whose
// last is the check character 31 − (Σ cᵢ·wᵢ mod 31), with 31 written as 0. It returns nil or an
// EINVALID *Error.
func ValidateCreditCode(s string) error {
	if len(s) != 18 {
		return msgCreditFormat.err()
	}
	var v [18]int
	for i := range v {
		v[i] = strings.IndexByte(creditAlphabet, upperASCII(s[i]))
		if v[i] < 0 {
			return msgCreditFormat.err()
		}
	}
	sum := 0
	for i, w := range creditWeights {
		sum += v[i] * w
	}
	if (31-sum%31)%31 != v[17] {
		return msgCreditCheck.err()
	}
	return nil
}

// ValidateIDNumber checks an identity document number (Art. 29; docs/rules.md §1) of type idType
// for an applicant of the given kind: a 统一社会信用代码 is for organisations only and a 居民身份证
// for persons only; an empty kind skips that check. The number is normalised first
// (NormalizeIDNumber). Passport numbers are 5–20 letters or digits, 港澳通行证 numbers H or M and
// 8 or 10 digits, 台湾通行证 numbers 8 or 10 digits, and "other" documents at most 50 characters.
// today is the day of application, the latest date of birth a 居民身份证 may show. It returns nil
// or an EINVALID *Error.
func ValidateIDNumber(kind, idType, number string, today Date) error {
	kind, idType = normalizeCode(kind), normalizeCode(idType)
	if kind != "" && !ApplicantKinds.Has(kind) {
		return notOneOf(labelKind, ApplicantKinds).err()
	}
	if err := checkIDType(kind, idType); err != nil {
		return err
	}
	number = NormalizeIDNumber(idType, number)
	if number == "" {
		return msgIDNumberRequired.err()
	}
	return checkIDNumber(idType, number, today)
}

// checkIDType checks that idType is a known type (required) and fits the applicant kind (which may
// be empty or unknown: then only the type is checked).
func checkIDType(kind, idType string) error {
	switch {
	case idType == "":
		return msgIDTypeRequired.err()
	case !IDTypes.Has(idType):
		return notOneOf(labelIDType, IDTypes).err()
	case idType == IDCredit && kind == KindPerson:
		return msgCreditForPerson.err()
	case idType == IDResident && kind == KindOrganization:
		return msgResidentForOrg.err()
	case idType == IDForeignPR && kind == KindOrganization:
		return msgForeignPRForOrg.err()
	}
	return nil
}

// checkIDNumber checks the form of a normalised, non-empty number of a known idType.
func checkIDNumber(idType, number string, today Date) error {
	switch idType {
	case IDResident:
		return ValidateResidentID(number, today)
	case IDCredit:
		return ValidateCreditCode(number)
	case IDForeignPR:
		return ValidateForeignPR(number, today)
	case IDPassport:
		return matchOr(rePassport, number, msgPassport)
	case IDHKMacau:
		return matchOr(reHKMacau, number, msgHKMacau)
	case IDTaiwan:
		return matchOr(reTaiwan, number, msgTaiwan)
	case IDOther:
		return checkText(number, labelIDNumber, maxOtherIDLen, false)
	}
	return notOneOf(labelIDType, IDTypes).err()
}

// ValidatePhone checks a contact telephone number: a mobile number 1[3-9] and 9 more digits, or a
// landline number as ValidateFax accepts it. It returns nil or an EINVALID *Error.
func ValidatePhone(s string) error {
	if reMobile.MatchString(s) || reLandline.MatchString(s) {
		return nil
	}
	return msgPhone.err()
}

// ValidateFax checks a fax number: a landline number, 0 and a 2- or 3-digit area code, an optional
// hyphen, 7 or 8 digits and an optional extension of 1–6 digits after a hyphen. It returns nil or
// an EINVALID *Error.
func ValidateFax(s string) error {
	return matchOr(reLandline, s, msgFax)
}

// ValidatePostcode checks a 6-digit postcode. It returns nil or an EINVALID *Error.
func ValidatePostcode(s string) error {
	return matchOr(rePostcode, s, msgPostcode)
}

// ValidateEmail checks an e-mail address: a bare address that net/mail parses (no display name, no
// angle brackets, no comments), at most 254 bytes, whose domain is a host name with a dot (not an
// address literal). It returns nil or an EINVALID *Error.
func ValidateEmail(s string) error {
	if s == "" || len(s) > maxEmailLen || hasBadChars(s, false) {
		return msgEmail.err()
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return msgEmail.err()
	}
	domain := s[strings.LastIndexByte(s, '@')+1:]
	if !strings.Contains(domain, ".") || strings.ContainsAny(domain, "[]") {
		return msgEmail.err()
	}
	return nil
}

// NormalizeIDNumber returns the canonical form of an identity number of type idType: full-width
// letters and digits become ASCII; for 居民身份证, 统一社会信用代码, passports and the two permits every
// space is removed and letters are uppercased; for other (or unknown) types the number is trimmed
// and inner runs of spaces become one space.
func NormalizeIDNumber(idType, s string) string {
	s = narrowWidth(s)
	switch normalizeCode(idType) {
	case IDResident, IDCredit, IDPassport, IDHKMacau, IDTaiwan, IDForeignPR:
		return strings.ToUpper(removeSpaces(s))
	}
	return normalizeLine(s)
}

// Normalize puts a into canonical form before it is validated and stored: codes are trimmed and
// lowercased; one-line texts are trimmed with inner runs of white space (line breaks included)
// made one space; the description and the purpose are trimmed with line breaks made "\n"; the
// identity number is normalised (NormalizeIDNumber); full-width digits and spaces are removed from
// the telephone, fax and postcode, and full-width characters in the e-mail address become ASCII.
// A person has no organisation category: it is cleared. An organisation that gave none is filed
// under other (其他): Art. 29 does not ask for the category, so the API does not refuse an
// application for lacking it; the public form asks for it (RequireOnForms) and staff may correct
// it with set_category.
func (a *Application) Normalize() {
	p := &a.Applicant
	p.Kind = normalizeCode(p.Kind)
	p.Name = normalizeLine(p.Name)
	p.IDType = normalizeCode(p.IDType)
	p.IDNumber = NormalizeIDNumber(p.IDType, p.IDNumber)
	p.OrgCategory = normalizeCode(p.OrgCategory)
	switch {
	case p.Kind == KindPerson:
		p.OrgCategory = ""
	case p.Kind == KindOrganization && p.OrgCategory == "":
		p.OrgCategory = OrgOther // counted as 其他 until staff correct it (set_category)
	}
	p.LegalRep = normalizeLine(p.LegalRep)
	p.ContactName = normalizeLine(p.ContactName)
	p.Phone = removeSpaces(narrowWidth(p.Phone))
	p.Email = strings.TrimSpace(narrowWidth(p.Email))
	p.Address = normalizeLine(p.Address)
	p.Postcode = removeSpaces(narrowWidth(p.Postcode))
	p.Fax = removeSpaces(narrowWidth(p.Fax))

	a.Agency = strings.TrimSpace(a.Agency)
	a.Description = normalizeText(a.Description)
	a.Purpose = normalizeText(a.Purpose)
	a.Delivery = normalizeCode(a.Delivery)
	a.Carrier = normalizeCode(a.Carrier)
	a.Channel = normalizeCode(a.Channel)
}

// Validate checks an application on day today, the same way for the web form, the API and the
// import. It judges a as Normalize leaves it (it normalises a copy), so call Normalize before
// storing. With staff set, the application is registered by staff and also needs its channel and
// its date of receipt, which may be in the past but not after today (Art. 31; docs/rules.md §2).
// Agency is the caller's to check. A zero today leaves the latest dates (birth, receipt)
// unchecked. It returns nil, or an EINVALID *Error whose Fields map each failing field path
// ("applicant.id_number", "description", …) to its message.
func (a Application) Validate(today Date, staff bool) error {
	a.Normalize()
	var f FieldErrors
	p := a.Applicant

	// Art. 27: citizens, legal persons and other organisations may apply. An unknown kind is
	// reported once, here; the checks that depend on the kind then treat it as "".
	kind := p.Kind
	switch {
	case kind == "":
		addMsg(&f, "applicant.kind", msgKindRequired)
	case !ApplicantKinds.Has(kind):
		addMsg(&f, "applicant.kind", notOneOf(labelKind, ApplicantKinds))
		kind = ""
	}
	org := kind == KindOrganization

	// Art. 29(一): the name, the identity proof and the contact details.
	requiredText(&f, "applicant.name", p.Name, msgNameRequired, labelName, maxNameLen, false)

	typeErr := checkIDType(kind, p.IDType)
	addError(&f, "applicant.id_type", typeErr)
	switch {
	case p.IDNumber == "":
		addMsg(&f, "applicant.id_number", msgIDNumberRequired)
	case typeErr == nil:
		// docs/rules.md §1: the birth date is checked against the day of application, which is
		// the receipt date (§2) when staff register a paper application received earlier.
		birthLimit := today
		if staff && !a.ReceivedOn.IsZero() && (today.IsZero() || a.ReceivedOn.Before(today)) {
			birthLimit = a.ReceivedOn
		}
		addError(&f, "applicant.id_number", checkIDNumber(p.IDType, p.IDNumber, birthLimit))
	}

	// Organisations are classified for the annual report (国办公开办函〔2021〕30号). Their
	// category and contact person are optional here (docs/api.md: org_category?, contact_name?);
	// the public form asks for both through RequireOnForms.
	if org && !OrgCategories.Has(p.OrgCategory) {
		addMsg(&f, "applicant.org_category", notOneOf(labelOrgCategory, OrgCategories))
	}
	optionalText(&f, "applicant.legal_rep", p.LegalRep, labelLegalRep, maxNameLen, false)
	optionalText(&f, "applicant.contact_name", p.ContactName, labelContactName, maxNameLen, false)

	if p.Phone == "" {
		addMsg(&f, "applicant.phone", msgPhoneRequired)
	} else {
		addError(&f, "applicant.phone", ValidatePhone(p.Phone))
	}

	// Art. 29(三): the delivery way asked for decides which contact details are required; those
	// given anyway are checked too.
	requiredIf(&f, "applicant.email", p.Email, a.Delivery == DeliveryEmail, msgEmailRequired, ValidateEmail)
	requiredIf(&f, "applicant.fax", p.Fax, a.Delivery == DeliveryFax, msgFaxRequired, ValidateFax)
	requiredIf(&f, "applicant.postcode", p.Postcode, a.Delivery == DeliveryPost, msgPostcodeRequired, ValidatePostcode)
	if a.Delivery == DeliveryPost {
		requiredText(&f, "applicant.address", p.Address, msgAddressRequired, labelAddress, maxAddressLen, false)
	} else {
		optionalText(&f, "applicant.address", p.Address, labelAddress, maxAddressLen, false)
	}

	// Art. 29(二): a description of the information that lets staff find it.
	if requiredText(&f, "description", a.Description, msgDescriptionRequired, labelDescription, maxDescriptionLen, true) &&
		utf8.RuneCountInString(a.Description) < minDescriptionLen {
		addMsg(&f, "description", msgDescriptionShort)
	}

	// Art. 27: no purpose may be demanded; the field is optional and never a reason to refuse.
	// Only its length is bounded, for storage.
	optionalText(&f, "purpose", a.Purpose, labelPurpose, maxPurposeLen, true)

	// Art. 29(三): the form wanted: delivery way and carrier.
	requiredCode(&f, "delivery", a.Delivery, DeliveryWays, msgDeliveryRequired, labelDelivery)
	requiredCode(&f, "carrier", a.Carrier, Carriers, msgCarrierRequired, labelCarrier)

	// Art. 31: staff registering an application record how and when it was received.
	if staff {
		requiredCode(&f, "channel", a.Channel, Channels, msgChannelRequired, labelChannel)
		switch {
		case a.ReceivedOn.IsZero():
			addMsg(&f, "received_on", msgReceivedOnRequired)
		case !today.IsZero() && a.ReceivedOn.After(today):
			addMsg(&f, "received_on", msgReceivedOnFuture)
		case a.ReceivedOn.Before(RegulationsInForce):
			addMsg(&f, "received_on", msgReceivedOnEarly)
		case !today.IsZero() && ReceivedOnRegistration(a.Channel) && !a.ReceivedOn.Equal(today):
			// Art. 31: online, fax and e-mail are received on the day both sides confirm, which
			// is the day a clerk registers the submission (docs/rules.md §2).
			addMsg(&f, "received_on", msgReceivedOnToday)
		}
	}
	return f.Err()
}

// RegulationsInForce is the day the 2019 Regulations took effect: no application registered
// under them is received earlier (docs/rules.md §2).
var RegulationsInForce = NewDate(2019, time.May, 15)

// ReceivedOnRegistration reports whether an application of channel is received on the day a
// clerk registers it (online, fax, e-mail; Art. 31), so that its receipt date cannot be entered.
func ReceivedOnRegistration(channel string) bool {
	return channel == ChannelOnline || channel == ChannelFax || channel == ChannelEmail
}

// addMsg records m for field.
func addMsg(f *FieldErrors, field string, m bilingual) { f.Add(field, m.zh, m.en) }

// addError records the messages of err, an *Error, for field; a nil err records nothing.
func addError(f *FieldErrors, field string, err error) {
	if err == nil {
		return
	}
	var e *Error
	if errors.As(err, &e) {
		f.Add(field, e.Message, e.MessageEN)
		return
	}
	f.Add(field, "内容不正确。", "The value is not valid.")
}

// requiredText records required when s is empty, else checks it as optionalText does; it reports
// whether s is present and passed.
func requiredText(f *FieldErrors, field, s string, required, label bilingual, limit int, multiline bool) bool {
	if s == "" {
		addMsg(f, field, required)
		return false
	}
	return optionalText(f, field, s, label, limit, multiline)
}

// optionalText checks a text that may be empty for control characters and length; it reports
// whether it passed.
func optionalText(f *FieldErrors, field, s string, label bilingual, limit int, multiline bool) bool {
	err := checkText(s, label, limit, multiline)
	addError(f, field, err)
	return err == nil
}

// requiredIf records required when s is empty and needed, and otherwise checks a non-empty s
// with validate.
func requiredIf(f *FieldErrors, field, s string, needed bool, required bilingual, validate func(string) error) {
	switch {
	case s != "":
		addError(f, field, validate(s))
	case needed:
		addMsg(f, field, required)
	}
}

// requiredCode checks that code is present and in the closed list l.
func requiredCode(f *FieldErrors, field, code string, l CodeList, required, label bilingual) {
	switch {
	case code == "":
		addMsg(f, field, required)
	case !l.Has(code):
		addMsg(f, field, notOneOf(label, l))
	}
}

// checkText checks a text for control characters (line breaks and tabs are allowed in a multiline
// text) and for its length of at most limit characters.
func checkText(s string, label bilingual, limit int, multiline bool) error {
	if hasBadChars(s, multiline) {
		return badChars(label).err()
	}
	if utf8.RuneCountInString(s) > limit {
		return tooLong(label, limit).err()
	}
	return nil
}

// hasBadChars reports whether s is not UTF-8 or holds a control character (other than a line
// break or a tab in a multiline text) or a bidirectional formatting character, which can make a
// name display as something else.
func hasBadChars(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\t'):
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			return true
		}
	}
	return false
}

// normalizeCode trims and lowercases a code.
func normalizeCode(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// normalizeLine trims a one-line text and makes each inner run of white space one space.
func normalizeLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// normalizeText trims a multiline text and writes its line breaks as "\n".
func normalizeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(s)
}

// removeSpaces removes every white-space character of s.
func removeSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// narrowWidth turns full-width ASCII forms (U+FF01–U+FF5E), as Chinese input methods type them, into
// ASCII, and the ideographic space into a space.
func narrowWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

// matchOr returns nil when re matches s, else m as an error.
func matchOr(re *regexp.Regexp, s string, m bilingual) error {
	if re.MatchString(s) {
		return nil
	}
	return m.err()
}

func isASCIIDigit(b byte) bool { return '0' <= b && b <= '9' }

func upperASCII(b byte) byte {
	if 'a' <= b && b <= 'z' {
		return b - 'a' + 'A'
	}
	return b
}

// daysInMonth returns the number of days of month m of year y.
func daysInMonth(y int, m time.Month) int { return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }

// RequireOnForms adds to err what the public form asks of an organisation beyond the API: its
// category, chosen by the applicant (the API files a missing one under other), and a contact
// person. err is Validate's result: nil or an EINVALID *Error with Fields; any other error is
// returned unchanged.
func RequireOnForms(a Application, err error) error {
	chose := normalizeCode(a.Applicant.OrgCategory) != ""
	a.Normalize()
	if a.Applicant.Kind != KindOrganization || a.Applicant.ContactName != "" && chose {
		return err
	}
	var f FieldErrors
	if err != nil {
		e, ok := err.(*Error)
		if !ok || e.Code != EINVALID {
			return err
		}
		for k, zh := range e.Fields {
			f.Add(k, zh, e.FieldsEN[k])
		}
	}
	if !chose {
		addMsg(&f, "applicant.org_category", msgOrgCategoryRequired)
	}
	if a.Applicant.ContactName == "" {
		addMsg(&f, "applicant.contact_name", msgContactNameRequired)
	}
	return f.Err()
}

// Password policy (docs/design.md "Users"; GB/T 22239-2019 8.1.4.1 a, identification and
// authentication): at least MinPasswordLength characters of at least three of the four classes
// (lower-case letters, upper-case letters, digits, other characters), not containing the
// username. Enforced where a person chooses a password (the administration pages, the password
// change page, `user add`); the store keeps its own floor of 8 characters.
const MinPasswordLength = 12

// ValidatePassword checks pw for the account username against the policy; the error names the
// field "password".
func ValidatePassword(username, pw string) error {
	var f FieldErrors
	var lower, upper, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		f.Add("password", fmt.Sprintf("密码至少%d个字符。", MinPasswordLength), fmt.Sprintf("A password has at least %d characters.", MinPasswordLength))
	case utf8.RuneCountInString(pw) > 200:
		f.Add("password", "密码不得超过200个字符。", "A password has at most 200 characters.")
	case classes < 3:
		f.Add("password", "密码须包含小写字母、大写字母、数字、其他符号中的至少三类。", "A password mixes at least three of: lower-case letters, upper-case letters, digits, other characters.")
	case username != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(username)):
		f.Add("password", "密码不得包含用户名。", "A password must not contain the username.")
	}
	return f.Err()
}

// CheckRoleSeparation refuses an account that would both administer users and handle cases
// (admin with clerk or supervisor) — separation of duties (GB/T 22239-2019 8.1.4.2 d, 三权分立),
// unless the deployment allows combined roles. The error names the field "roles".
func CheckRoleSeparation(roles []string, allowCombined bool) error {
	if allowCombined {
		return nil
	}
	admin, handles := false, false
	for _, r := range roles {
		switch r {
		case RoleAdmin:
			admin = true
		case RoleClerk, RoleSupervisor:
			handles = true
		}
	}
	if admin && handles {
		var f FieldErrors
		f.Add("roles", "系统管理员不得同时承办或审核案件（三权分立）；如确需兼任，须由部署设置 FOIDESK_ALLOW_COMBINED_ROLES 允许。", "An administrator may not also handle or approve cases (separation of duties) unless the deployment allows it (FOIDESK_ALLOW_COMBINED_ROLES).")
		return f.Err()
	}
	return nil
}
