package cases

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the agency settings (docs/design.md "Users": an administrator sets them): the page,
// the CLI and the store refuse settings outside them.
const (
	MaxTrackingPrefix = 10  // ASCII letters and digits
	MaxLetterPrefix   = 20  // characters, no 〔〕[]
	MaxUploadMB       = 100 // upload limit, in megabytes
)

// Validate checks settings as they are to be stored: EINVALID with a message per field (the
// settings' JSON names; a letter prefix is letter_prefix.<class>, the upload limit
// upload_limit_mb), nil when they are valid. A zero number or an empty zone or prefix is an
// error here: WithDefaults fills them first where defaults are meant.
func (s Settings) Validate() error {
	var fe FieldErrors
	for code, ps := range s.Phrases {
		if _, ok := FindOutcome(code); !ok {
			fe.Add("phrases."+code, "未知的答复类型。", "Unknown outcome.")
			continue
		}
		if len(ps) > MaxPhrases {
			fe.Add("phrases."+code, fmt.Sprintf("每种答复类型最多%d条常用语。", MaxPhrases), fmt.Sprintf("At most %d phrases per outcome.", MaxPhrases))
		}
		for _, p := range ps {
			if n := len([]rune(p)); n == 0 || n > MaxPhraseLen {
				fe.Add("phrases."+code, fmt.Sprintf("每条常用语应为1至%d个字。", MaxPhraseLen), fmt.Sprintf("Each phrase is 1 to %d characters.", MaxPhraseLen))
				break
			}
		}
	}
	if p := s.TrackingPrefix; p == "" || len(p) > MaxTrackingPrefix || strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
		fe.Add("tracking_prefix", "申请编号前缀应为1至10位英文字母或数字。", "The tracking prefix is 1 to 10 letters or digits.")
	}
	kinds := make([]string, 0, len(s.LetterPrefixes))
	for k := range s.LetterPrefixes {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		if v := s.LetterPrefixes[k]; utf8.RuneCountInString(v) > MaxLetterPrefix || strings.ContainsAny(v, "〔〕[]") {
			fe.Add("letter_prefix."+k, "文号前缀不超过20个字，且不含括号〔〕。", "A number prefix has at most 20 characters and no brackets 〔〕.")
		}
	}
	text := func(field, v string, limit int) bool {
		if utf8.RuneCountInString(v) > limit {
			fe.Add(field, fmt.Sprintf("不得超过%d个字。", limit), fmt.Sprintf("At most %d characters.", limit))
			return false
		}
		return true
	}
	text("reconsideration_body", s.ReconsiderationBody, 100)
	text("court", s.Court, 100)
	text("address", s.Address, 200)
	if text("postcode", s.Postcode, 6) && s.Postcode != "" {
		if err := ValidatePostcode(s.Postcode); err != nil {
			fe.Add("postcode", ErrorMessage(err, "zh"), ErrorMessage(err, "en"))
		}
	}
	if text("phone", s.Phone, 30) && s.Phone != "" {
		if err := ValidatePhone(s.Phone); err != nil {
			fe.Add("phone", ErrorMessage(err, "zh"), ErrorMessage(err, "en"))
		}
	}
	for field, v := range map[string]string{"email": s.Email, "superior_email": s.SuperiorEmail} {
		if v != "" {
			if err := ValidateEmail(v); err != nil {
				fe.Add(field, ErrorMessage(err, "zh"), ErrorMessage(err, "en"))
			}
		}
	}
	text("seal_text", s.SealText, 100)
	text("payment_instructions", s.PaymentInstructions, 1000)
	// The archive's description (docs/operations.md "Archive").
	text("fonds_no", s.FondsNo, 20)
	text("archive_org", s.ArchiveOrg, 100)
	if c := s.ArchiveOrgCode; len(c) > 20 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
		fe.Add("archive_org_code", "机构代码应为1至20位英文字母或数字。", "The organisation code is 1 to 20 letters or digits.")
	}
	groups := make([]string, 0, len(s.Retention))
	for g := range s.Retention {
		groups = append(groups, g)
	}
	slices.Sort(groups)
	for _, g := range groups {
		if v := s.Retention[g]; v != "永久" && v != "30年" && v != "10年" {
			fe.Add("retention."+g, "请选择永久、30年或10年。", "Choose 永久 (permanent), 30年 or 10年.")
		}
	}
	num := func(field string, n, lo, hi int64) {
		if n < lo || n > hi {
			fe.Add(field, fmt.Sprintf("请填写%d至%d之间的整数。", lo, hi), fmt.Sprintf("Enter a whole number from %d to %d.", lo, hi))
		}
	}
	num("correction_period", int64(s.CorrectionPeriod), 1, 60)
	num("unregistered_alert", int64(s.UnregisteredAlert), 1, 20)
	num("submit_rate_limit", int64(s.SubmitRateLimit), 1, 1000)
	if s.UploadLimit <= 0 || s.UploadLimit > MaxUploadMB<<20 {
		num("upload_limit_mb", 0, 1, MaxUploadMB)
	}
	bad := len(s.AlertThresholds) == 0
	for i, n := range s.AlertThresholds {
		bad = bad || n < 1 || n > 20 || slices.Contains(s.AlertThresholds[:i], n)
	}
	if bad {
		fe.Add("alert_thresholds", "请填写1至20之间的整数，以逗号分隔，如5,3,1。", "Enter whole numbers from 1 to 20 separated by commas, e.g. 5,3,1.")
	}
	if _, err := time.LoadLocation(s.TimeZone); s.TimeZone == "" || err != nil {
		fe.Add("time_zone", "时区不正确，如Asia/Shanghai。", "Not a time zone; e.g. Asia/Shanghai.")
	}
	return fe.Err()
}

// MaxPhrases and MaxPhraseLen bound the phrases kept per outcome (Settings.Phrases).
const (
	MaxPhrases   = 20
	MaxPhraseLen = 500
)
