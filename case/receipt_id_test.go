package cases

import (
	"testing"
)

// testForeignPR2023 builds a 2023 外国人永久居留身份证 number: 9, province (2), nationality (3),
// birth date (8), serial (3) and the MOD 11-2 check character (the resident-ID rule).
func testForeignPR2023(province, nationality, birth, serial string) string {
	return testResidentID("9" + province + nationality + birth + serial)
}

// Art. 29, docs/rules.md §1: the 外国人永久居留身份证 is an identity document of persons — the
// 2023 card (18 digits beginning with 9, MOD 11-2 check, birth date checked like a 居民身份证) and
// the 2017 card (3 capital letters + 12 digits); it is never accepted as a 居民身份证.
func TestArt29_ForeignPermanentResidenceCard(t *testing.T) {
	card := testForeignPR2023("11", "840", "19850214", "001")
	if len(card) != 18 {
		t.Fatalf("bad test card %q", card)
	}
	for _, tc := range []struct {
		name, kind, idType, number string
		want                       bilingual
	}{
		{"2023 card", KindPerson, IDForeignPR, card, bilingual{}},
		{"2023 card lower-case x normalised", KindPerson, IDForeignPR, " " + card + " ", bilingual{}},
		{"2017 card", KindPerson, IDForeignPR, "USA110085021401", bilingual{}},
		{"2017 card lower-case letters normalised", KindPerson, IDForeignPR, "usa110085021401", bilingual{}},
		{"2023 card wrong check", KindPerson, IDForeignPR, card[:17] + string("0123456789"[(int(card[17]-'0')+1)%10]), msgForeignPRCheck},
		{"2023 card bad birth date", KindPerson, IDForeignPR, testForeignPR2023("11", "840", "19850230", "001"), msgForeignPRBirthInvalid},
		{"2023 card born after the receipt", KindPerson, IDForeignPR, testForeignPR2023("11", "840", "20260311", "001"), msgForeignPRBirthFuture},
		{"2023 card born before 1900", KindPerson, IDForeignPR, testForeignPR2023("11", "840", "18991231", "001"), msgForeignPRBirthEarly},
		{"not 9 first", KindPerson, IDForeignPR, testResidentID("11010519491231002"), msgForeignPRFormat},
		{"2017 card too short", KindPerson, IDForeignPR, "USA11008502140", msgForeignPRFormat},
		{"organisation", KindOrganization, IDForeignPR, card, msgForeignPRForOrg},
		{"2023 card given as resident ID", KindPerson, IDResident, card, msgResidentForeignPR},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantValidationErr(t, ValidateIDNumber(tc.kind, tc.idType, tc.number, validateToday), tc.want)
		})
	}
	if IDTypes.Label(IDForeignPR, "zh") != "外国人永久居留身份证" {
		t.Errorf("label %q", IDTypes.Label(IDForeignPR, "zh"))
	}
}

// Art. 31, docs/rules.md §2: online, fax and e-mail are received the day a clerk registers them;
// paper channels may be back-dated, but not before 2019-05-15 nor into the future; the birth date
// of an identity number is checked against the receipt date, not the day of entry.
func TestArt31_ReceiptDateRules(t *testing.T) {
	yesterday := MustDate("2026-03-09")
	for _, tc := range []struct {
		name     string
		channel  string
		received Date
		field    string // "" = valid
	}{
		{"online today", ChannelOnline, validateToday, ""},
		{"online back-dated", ChannelOnline, yesterday, "received_on"},
		{"fax back-dated", ChannelFax, yesterday, "received_on"},
		{"email back-dated", ChannelEmail, yesterday, "received_on"},
		{"email today", ChannelEmail, validateToday, ""},
		{"registered post back-dated", ChannelPostRegistered, yesterday, ""},
		{"oral back-dated", ChannelOral, yesterday, ""},
		{"in person on the first day of the Regulations", ChannelInPerson, MustDate("2019-05-15"), ""},
		{"in person before the Regulations", ChannelInPerson, MustDate("2019-05-14"), "received_on"},
		{"in person tomorrow", ChannelInPerson, MustDate("2026-03-11"), "received_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := validPerson()
			a.Channel, a.ReceivedOn = tc.channel, tc.received
			err := a.Validate(validateToday, true)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			f := validationFields(err)
			if _, ok := f[tc.field]; !ok || len(f) != 1 {
				t.Fatalf("want an error on %s only, got %v", tc.field, err)
			}
		})
	}

	// Born on 2026-03-05, registered on 2026-03-10 for a letter received on 2026-03-04: the
	// applicant was not born on the day of application.
	a := validPerson()
	a.Applicant.IDNumber = testResidentID("11010520260305001")
	a.Channel, a.ReceivedOn = ChannelPostRegistered, MustDate("2026-03-04")
	if f := validationFields(a.Validate(validateToday, true)); f["applicant.id_number"] != msgResidentBirthFuture.zh {
		t.Errorf("birth after the receipt date: %v", f)
	}
	a.ReceivedOn = MustDate("2026-03-05")
	if err := a.Validate(validateToday, true); err != nil {
		t.Errorf("born on the receipt date: %v", err)
	}
}

// validationFields returns the Chinese field messages of an EINVALID error (nil otherwise).
func validationFields(err error) map[string]string {
	if e, ok := err.(*Error); ok && e.Code == EINVALID {
		return e.Fields
	}
	return nil
}
