package cases

import (
	"sync"
	"time"
)

// Agency is one disclosure body answering applications in its own name (Art. 27). Every case,
// letter sequence, setting and user belongs to one agency.
type Agency struct {
	ID       int64    `json:"-" db:"id"`
	Code     string   `json:"code" db:"code"`
	Name     string   `json:"name" db:"name"`
	Settings Settings `json:"-" db:"-"`
	// LetterAssets are loaded only where letters are issued: the seal image and the signing key.
	LetterAssets *LetterAssets `json:"-" db:"-"`
}

// MaxSealBytes bounds a seal image.
const MaxSealBytes = 1 << 20

// LetterAssets are what an agency's issued letters carry besides text (docs/design.md
// "Documents"): the seal image printed over the date line, and the certificate and private key
// whose PDF signature lets a recipient check that a letter is the one the agency issued.
type LetterAssets struct {
	Seal        []byte // PNG, with transparency; nil: no seal printed
	SigningCert []byte // PEM: the signing certificate, then its chain
	SigningKey  []byte // PEM: the private key of the signing certificate
}

// Settings are an agency's policy choices (docs/rules.md's "(policy)" items) and letter details.
type Settings struct {
	TimeZone            string            `json:"time_zone"`            // default Asia/Shanghai
	TrackingPrefix      string            `json:"tracking_prefix"`      // tracking number = prefix + year + 6-digit serial
	LetterPrefixes      map[string]string `json:"letter_prefixes"`      // letter class → prefix, e.g. "reply" → "望政公开"
	ReconsiderationBody string            `json:"reconsideration_body"` // e.g. 望城区人民政府
	Court               string            `json:"court"`                // e.g. 望城区人民法院
	Address             string            `json:"address"`
	Postcode            string            `json:"postcode"`
	Phone               string            `json:"phone"`
	Email               string            `json:"email"`
	SealText            string            `json:"seal_text"`                // the seal line, e.g. the agency's name
	CorrectionPeriod    int               `json:"correction_period"`        // working days to correct (Art. 30; default 15)
	ReasonsPeriod       int               `json:"reasons_period,omitempty"` // working days to state the reasons asked for (Art. 35; default 15)
	AlertThresholds     []int             `json:"alert_thresholds"`         // working days before the reply deadline (default 5, 3, 1)
	UnregisteredAlert   int               `json:"unregistered_alert"`       // working days an online submission may wait (default 1)
	UploadLimit         int64             `json:"upload_limit"`             // bytes (default 10 MB)
	SubmitRateLimit     int               `json:"submit_rate_limit"`        // submissions a minute per address (default 10)
	SuperiorEmail       string            `json:"superior_email"`           // where the monthly statistics go
	PaymentInstructions string            `json:"payment_instructions"`     // how to pay a fee
	SignoffGrace        int               `json:"signoff_grace"`            // working days after a month's last working day before it may be signed off (default 5)
	// Archival description (docs/operations.md "Archive", DA/T 22-2015): the 全宗号 the archive
	// office gave the agency, the 机构（问题） and its code (default: the agency's name and code),
	// and the 保管期限 per retention group (永久, 30年, 10年; unset groups take the defaults).
	FondsNo        string            `json:"fonds_no,omitempty"`
	ArchiveOrg     string            `json:"archive_org,omitempty"`
	ArchiveOrgCode string            `json:"archive_org_code,omitempty"`
	Retention      map[string]string `json:"retention,omitempty"`
	// Phrases are the administrator's standard wording per outcome code (答复常用语), offered on
	// the draft form for insertion into the reasons.
	Phrases map[string][]string `json:"phrases,omitempty"`
}

// DefaultSettings are the settings of a new agency.
func DefaultSettings() Settings {
	return Settings{
		TimeZone:          "Asia/Shanghai",
		TrackingPrefix:    "GK",
		LetterPrefixes:    map[string]string{},
		CorrectionPeriod:  15,
		ReasonsPeriod:     15,
		AlertThresholds:   []int{5, 3, 1},
		UnregisteredAlert: 1,
		UploadLimit:       10 << 20,
		SubmitRateLimit:   10,
		SignoffGrace:      5,
	}
}

// WithDefaults fills every unset field of s from DefaultSettings.
func (s Settings) WithDefaults() Settings {
	d := DefaultSettings()
	if s.TimeZone == "" {
		s.TimeZone = d.TimeZone
	}
	if s.TrackingPrefix == "" {
		s.TrackingPrefix = d.TrackingPrefix
	}
	if s.LetterPrefixes == nil {
		s.LetterPrefixes = d.LetterPrefixes
	}
	if s.CorrectionPeriod <= 0 {
		s.CorrectionPeriod = d.CorrectionPeriod
	}
	if s.ReasonsPeriod <= 0 {
		s.ReasonsPeriod = d.ReasonsPeriod
	}
	if len(s.AlertThresholds) == 0 {
		s.AlertThresholds = d.AlertThresholds
	}
	if s.UnregisteredAlert <= 0 {
		s.UnregisteredAlert = d.UnregisteredAlert
	}
	if s.UploadLimit <= 0 {
		s.UploadLimit = d.UploadLimit
	}
	if s.SubmitRateLimit <= 0 {
		s.SubmitRateLimit = d.SubmitRateLimit
	}
	if s.SignoffGrace <= 0 {
		s.SignoffGrace = d.SignoffGrace
	}
	return s
}

// Statutory periods in working days (docs/rules.md §4).
const (
	ReplyDays              = 20 // Art. 33
	MaxExtensionDays       = 20 // Art. 33
	CorrectionNoticeWindow = 7  // Art. 30
	ConsultationDays       = 15 // Art. 32, 34
	FeeDays                = 20 // 国办函〔2020〕109号
)

// zones caches loaded time zones by name (time.LoadLocation reads the zone database each call).
var zones sync.Map

// Location is the agency's time zone: Settings.TimeZone, Asia/Shanghai when unset, China Standard
// Time (UTC+8) when the zone cannot be loaded.
func (s Settings) Location() *time.Location {
	name := s.TimeZone
	if name == "" {
		name = "Asia/Shanghai"
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	zones.Store(name, loc)
	return loc
}
