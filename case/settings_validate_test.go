package cases

import (
	"errors"
	"strings"
	"testing"
)

// The agency settings' limits, one field at a time; the defaults are valid.
func TestSettingsValidate(t *testing.T) {
	ok := DefaultSettings()
	ok.SealText, ok.Postcode, ok.Phone, ok.Email = "望城区人民政府", "410200", "0731-88888888", "xxgk@example.gov.cn"
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid settings refused: %v", err)
	}
	for _, c := range []struct {
		field  string
		change func(*Settings)
	}{
		{"tracking_prefix", func(s *Settings) { s.TrackingPrefix = "" }},
		{"tracking_prefix", func(s *Settings) { s.TrackingPrefix = "GK-1" }},
		{"tracking_prefix", func(s *Settings) { s.TrackingPrefix = "ABCDEFGHIJK" }},
		{"tracking_prefix", func(s *Settings) { s.TrackingPrefix = "公开" }},
		{"letter_prefix.reply", func(s *Settings) { s.LetterPrefixes = map[string]string{"reply": "望政〔公开〕"} }},
		{"letter_prefix.receipt", func(s *Settings) { s.LetterPrefixes = map[string]string{"receipt": strings.Repeat("字", 21)} }},
		{"reconsideration_body", func(s *Settings) { s.ReconsiderationBody = strings.Repeat("字", 101) }},
		{"court", func(s *Settings) { s.Court = strings.Repeat("字", 101) }},
		{"address", func(s *Settings) { s.Address = strings.Repeat("字", 201) }},
		{"postcode", func(s *Settings) { s.Postcode = "4102001" }},
		{"postcode", func(s *Settings) { s.Postcode = "41020A" }},
		{"phone", func(s *Settings) { s.Phone = "call me" }},
		{"email", func(s *Settings) { s.Email = "not-an-address" }},
		{"superior_email", func(s *Settings) { s.SuperiorEmail = "@example.com" }},
		{"seal_text", func(s *Settings) { s.SealText = strings.Repeat("字", 101) }},
		{"payment_instructions", func(s *Settings) { s.PaymentInstructions = strings.Repeat("字", 1001) }},
		{"correction_period", func(s *Settings) { s.CorrectionPeriod = 0 }},
		{"correction_period", func(s *Settings) { s.CorrectionPeriod = 61 }},
		{"unregistered_alert", func(s *Settings) { s.UnregisteredAlert = 21 }},
		{"submit_rate_limit", func(s *Settings) { s.SubmitRateLimit = 1001 }},
		{"upload_limit_mb", func(s *Settings) { s.UploadLimit = 0 }},
		{"upload_limit_mb", func(s *Settings) { s.UploadLimit = 101 << 20 }},
		{"alert_thresholds", func(s *Settings) { s.AlertThresholds = nil }},
		{"alert_thresholds", func(s *Settings) { s.AlertThresholds = []int{5, 21} }},
		{"alert_thresholds", func(s *Settings) { s.AlertThresholds = []int{3, 3} }},
		{"time_zone", func(s *Settings) { s.TimeZone = "" }},
		{"time_zone", func(s *Settings) { s.TimeZone = "Mars/Olympus" }},
	} {
		s := ok
		s.LetterPrefixes = map[string]string{}
		c.change(&s)
		err := s.Validate()
		var e *Error
		if !errors.As(err, &e) || e.Code != EINVALID || len(e.Fields) != 1 || e.Fields[c.field] == "" || e.FieldsEN[c.field] == "" {
			t.Errorf("%s: %v %v", c.field, err, e)
		}
	}
	// limits that are allowed
	s := ok
	s.TrackingPrefix, s.UploadLimit, s.AlertThresholds, s.LetterPrefixes = "ABCDEFGHIJ", 2048, []int{20, 1}, map[string]string{"reply": strings.Repeat("字", 20)}
	if err := s.Validate(); err != nil {
		t.Errorf("limits refused: %v", err)
	}
}
