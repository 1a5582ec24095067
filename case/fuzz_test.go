package cases

import (
	"testing"
	"unicode/utf8"
)

// FuzzValidateIDNumber: the identity validators never panic, a number they accept is accepted
// again after normalisation, and a 居民身份证 they accept has 18 characters with a valid MOD 11-2
// check digit (docs/rules.md §1). Seeds in testdata/fuzz/FuzzValidateIDNumber.
func FuzzValidateIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105194912310021", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ", "91350100M000100Y43", "", "\x00", "110105194902300021"} {
		f.Add(s)
	}
	today := MustDate("2026-11-03")
	f.Fuzz(func(t *testing.T, s string) {
		for _, idType := range []string{IDResident, "passport", "foreign_pr", "credit_code", "hk_macao_pass", "other"} {
			n := NormalizeIDNumber(idType, s)
			for _, kind := range []string{KindPerson, KindOrganization} {
				if ValidateIDNumber(kind, idType, n, today) == nil {
					if ValidateIDNumber(kind, idType, NormalizeIDNumber(idType, n), today) != nil {
						t.Fatalf("%s %q accepted, its normalised form refused", idType, n)
					}
					if idType == IDResident && (len(n) != 18 || ValidateResidentID(n, today) != nil) {
						t.Fatalf("resident id %q accepted", n)
					}
				}
			}
		}
		ValidateCreditCode(s)
		ValidatePhone(s)
		ValidateFax(s)
		ValidatePostcode(s)
		ValidateEmail(s)
		if utf8.ValidString(s) {
			ValidatePassword("user", s)
		}
	})
}
