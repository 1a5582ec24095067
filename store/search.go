package store

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

// The search index of names and descriptions (docs/api.md "Staff": q matches names and words of
// the description of two Chinese characters and more). Chinese has no spaces between words and
// neither SQLite nor PostgreSQL (as Debian ships them) has a parser for it; trigram indexes
// cannot answer a two-character term. So every pair of adjacent characters of the applicant's
// name and of the description (a bigram) is a row of case_terms (term, case_id), written in the
// transaction that writes the case. A term of n characters is found as the cases holding all its
// n-1 bigrams, confirmed against the text itself.

// termOf packs two characters into one integer key (code points are at most 21 bits).
func termOf(a, b rune) int64 { return int64(a)<<21 | int64(b) }

// foldRune is the form in which a character is indexed and searched: full-width ASCII becomes
// ASCII and letters lowercase.
func foldRune(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	return unicode.ToLower(r)
}

// isWordRune: letters (Chinese characters included) and digits; everything else separates words.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// caseTerms returns the distinct bigrams of the texts, sorted; bigrams never span a space or a
// punctuation mark.
func caseTerms(texts ...string) []int64 {
	var out []int64
	for _, t := range texts {
		prev := rune(-1)
		for _, r := range t {
			r = foldRune(r)
			if !isWordRune(r) {
				prev = -1
				continue
			}
			if prev >= 0 {
				out = append(out, termOf(prev, r))
			}
			prev = r
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// searchWords splits a query into its words (runs of letters and digits, folded), keeping those of
// at least two characters.
func searchWords(q string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !isWordRune(foldRune(r)) }) {
		w = strings.Map(foldRune, w)
		if len([]rune(w)) >= 2 {
			words = append(words, w)
		}
	}
	return words
}

// phoneDigits is a telephone number as searched: its digits, without a leading 86 country code
// of an 11-digit mobile number (spaces, hyphens and +86 ignored).
func phoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		r = foldRune(r)
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if len(d) == 13 && strings.HasPrefix(d, "86") && d[2] == '1' {
		d = d[2:]
	}
	return d
}

// writeTerms brings case_terms of a case from the terms of its old text to those of its new.
func writeTerms(ctx context.Context, tx *sqlx.Tx, caseID int64, old, new []int64) error {
	var del, add []int64
	for _, t := range old {
		if _, found := slices.BinarySearch(new, t); !found {
			del = append(del, t)
		}
	}
	for _, t := range new {
		if _, found := slices.BinarySearch(old, t); !found {
			add = append(add, t)
		}
	}
	for len(del) > 0 {
		n := min(len(del), 400)
		args := []any{caseID}
		for _, t := range del[:n] {
			args = append(args, t)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM case_terms WHERE case_id = ? AND term IN (?`+strings.Repeat(", ?", n-1)+`)`), args...); err != nil {
			return err
		}
		del = del[n:]
	}
	return insertTerms(ctx, tx, caseID, add)
}

// insertTerms adds the rows of case_terms of a case.
func insertTerms(ctx context.Context, tx *sqlx.Tx, caseID int64, terms []int64) error {
	for len(terms) > 0 {
		n := min(len(terms), 400)
		args := make([]any, 0, 2*n)
		for _, t := range terms[:n] {
			args = append(args, t, caseID)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO case_terms (term, case_id) VALUES (?, ?)`+strings.Repeat(", (?, ?)", n-1)), args...); err != nil {
			return err
		}
		terms = terms[n:]
	}
	return nil
}

// textTerms is the indexed text of a case.
func textTerms(c *cases.Case) []int64 { return caseTerms(c.Applicant.Name, c.Description) }

// backfillSearch fills phone_digits and case_terms for the cases of a database migrated to the
// search index (migration 0006), in the migration's transaction.
func backfillSearch(ctx context.Context, tx *sqlx.Tx) error {
	type row struct {
		ID          int64  `db:"id"`
		Name        string `db:"applicant_name"`
		Phone       string `db:"phone"`
		Description string `db:"description"`
	}
	var last int64
	for {
		var rows []row
		if err := tx.SelectContext(ctx, &rows, tx.Rebind(`SELECT id, applicant_name, phone, description FROM cases WHERE id > ? ORDER BY id LIMIT 1000`), last); err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		for _, r := range rows {
			if d := phoneDigits(r.Phone); d != "" {
				if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE cases SET phone_digits = ? WHERE id = ?`), d, r.ID); err != nil {
					return err
				}
			}
			if err := insertTerms(ctx, tx, r.ID, caseTerms(r.Name, r.Description)); err != nil {
				return err
			}
			last = r.ID
		}
	}
}
