package web

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
)

// catalogueKeys returns the keys of one catalogue in file order, decoding it token by token so
// that a key written twice (which encoding/json would silently merge) is seen.
func catalogueKeys(t *testing.T, lang string) []string {
	t.Helper()
	b, err := fs.ReadFile(localeFS, "locale/"+lang+".json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("locale/%s.json is not one JSON object: %v %v", lang, tok, err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("locale/%s.json: %v", lang, err)
		}
		var v string
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("locale/%s.json: the value of %v is not a string: %v", lang, tok, err)
		}
		keys = append(keys, tok.(string))
	}
	return keys
}

var fmtVerb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// verbs are the kinds of the fmt verbs of s in order (%02d and %d are both "d").
func verbs(s string) []string {
	var out []string
	for _, v := range fmtVerb.FindAllString(s, -1) {
		out = append(out, v[len(v)-1:])
	}
	return out
}

// Every key of the message catalogues is in every language, once, with a text; the English text
// holds no Chinese (but the switch to Chinese) and both texts take the same fmt arguments.
func TestCataloguesHaveEveryKeyInEveryLanguage(t *testing.T) {
	sets := map[string]map[string]bool{}
	for _, l := range catalogueLangs {
		sets[l] = map[string]bool{}
		for _, k := range catalogueKeys(t, l) {
			if sets[l][k] {
				t.Errorf("locale/%s.json: key %q written twice", l, k)
			}
			sets[l][k] = true
		}
	}
	for _, l := range catalogueLangs {
		for _, other := range catalogueLangs {
			for k := range sets[l] {
				if !sets[other][k] {
					t.Errorf("key %q is in locale/%s.json but not in locale/%s.json", k, l, other)
				}
			}
		}
	}
	if len(messages) != len(sets[langZH]) || len(messages) < 800 {
		t.Errorf("%d messages loaded from %d keys", len(messages), len(sets[langZH]))
	}
	for k, v := range messages {
		if v[0] == "" || v[1] == "" {
			t.Errorf("message %q has an empty text: %q", k, v)
		}
		if k != "site.lang.switch" && strings.IndexFunc(v[1], func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
			t.Errorf("English of %q holds Chinese: %q", k, v[1])
		}
		if zh, en := verbs(v[0]), verbs(v[1]); !slices.Equal(zh, en) {
			t.Errorf("message %q: Chinese takes %v, English %v", k, zh, en)
		}
	}
}

// A catalogue that lacks a key of the other is refused, naming the key.
func TestLoadCataloguesRefusesAMissingKey(t *testing.T) {
	fsys := fstest.MapFS{
		"locale/zh.json": {Data: []byte(`{"a": "甲", "b": "乙"}`)},
		"locale/en.json": {Data: []byte(`{"a": "A", "c": "C"}`)},
	}
	_, err := loadCatalogues(fsys)
	if err == nil || !strings.Contains(err.Error(), "b") || !strings.Contains(err.Error(), "c") {
		t.Fatalf("loadCatalogues = %v, want an error naming b and c", err)
	}
	fsys["locale/en.json"] = &fstest.MapFile{Data: []byte(`{"a": "A", "b": "B"}`)}
	m, err := loadCatalogues(fsys)
	if err != nil || m["b"] != [2]string{"乙", "B"} {
		t.Fatalf("loadCatalogues = %v, %v", m, err)
	}
}
