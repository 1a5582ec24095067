package workflow

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"

	cases "foidesk/case"
)

// Numbers of cases and letters (docs/design.md "Storage": every agency has its own prefixes and
// yearly sequences; the store keeps the sequences, these functions write and read the numbers).

// DefaultLetterPrefixes are used for letter classes the agency has not set.
var DefaultLetterPrefixes = map[string]string{
	cases.DocReceipt:            "政公开登",
	cases.DocCorrectionNotice:   "政公开补",
	cases.DocExtensionNotice:    "政公开延",
	cases.DocConsultationLetter: "政公开征",
	cases.DocConsultationNotice: "政公开征告",
	cases.DocFeeNotice:          "政公开费",
	cases.DocObjectionOverride:  "政公开告",
	cases.DocReplyPeriodNotice:  "政公开期",
	cases.DocReasonsNotice:      "政公开理",
	cases.DocTerminationNotice:  "政公开终",
	cases.DocReply:              "政公开答",
}

// LetterPrefix is the number prefix of a letter class for an agency: its setting, else the default.
func LetterPrefix(a cases.Agency, kind string) string {
	if p := a.Settings.LetterPrefixes[kind]; p != "" {
		return p
	}
	return DefaultLetterPrefixes[kind]
}

// FormatLetterNo formats a document number: prefix〔year〕n号 (e.g. 望政公开〔2026〕12号).
func FormatLetterNo(prefix string, year, n int) string {
	return fmt.Sprintf("%s〔%d〕%d号", prefix, year, n)
}

var reLetterNo = regexp.MustCompile(`^(.*)〔(\d{4})〕(\d+)号$`)

// ParseLetterNo reads a number written by FormatLetterNo; ok is false for any other text.
func ParseLetterNo(no string) (prefix string, year, n int, ok bool) {
	m := reLetterNo.FindStringSubmatch(no)
	if m == nil {
		return "", 0, 0, false
	}
	year, _ = strconv.Atoi(m[2])
	n, err := strconv.Atoi(m[3])
	if err != nil {
		return "", 0, 0, false
	}
	return m[1], year, n, true
}

// LetterKindsWithPrefix lists, sorted, the letter classes whose number prefix for agency a is prefix.
func LetterKindsWithPrefix(a cases.Agency, prefix string) []string {
	var out []string
	for kind := range DefaultLetterPrefixes {
		if LetterPrefix(a, kind) == prefix {
			out = append(out, kind)
		}
	}
	sort.Strings(out)
	return out
}

// FormatTrackingNo formats a tracking number: the agency's prefix, the year and a 6-digit serial
// (e.g. GK2026000012).
func FormatTrackingNo(prefix string, year, n int) string {
	return fmt.Sprintf("%s%d%06d", prefix, year, n)
}
