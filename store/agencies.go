package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

type agencyRow struct {
	ID       int64  `db:"id"`
	Code     string `db:"code"`
	Name     string `db:"name"`
	Settings string `db:"settings"`
}

func (r agencyRow) agency() cases.Agency {
	var s cases.Settings
	_ = json.Unmarshal([]byte(r.Settings), &s)
	return cases.Agency{ID: r.ID, Code: r.Code, Name: r.Name, Settings: s.WithDefaults()}
}

// CreateAgency adds an agency; EINVALID for a bad code, ECONFLICT for a code in use.
func (db *DB) CreateAgency(ctx context.Context, code, name string, s cases.Settings) (cases.Agency, error) {
	if !validCode(code) {
		return cases.Agency{}, cases.Errorf(cases.EINVALID, "机关代码只能由字母、数字、下划线和连字符组成。", "an agency code is letters, digits, _ and -")
	}
	if name == "" {
		return cases.Agency{}, cases.Errorf(cases.EINVALID, "请填写机关名称。", "an agency needs a name")
	}
	s = s.WithDefaults()
	if s.SealText == "" {
		s.SealText = name
	}
	if err := s.Validate(); err != nil {
		return cases.Agency{}, err
	}
	b, _ := json.Marshal(s)
	var id int64
	err := db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM agencies WHERE code = ?`), code); err != nil {
			return err
		}
		if n > 0 {
			return cases.Errorf(cases.ECONFLICT, "机关代码“%s”已存在。", "agency %s exists", code)
		}
		// Tracking numbers are unique across the deployment: a prefix another agency uses is
		// replaced by a free one derived from the code.
		var rows []agencyRow
		if err := tx.SelectContext(ctx, &rows, `SELECT id, code, name, settings FROM agencies`); err != nil {
			return err
		}
		used := map[string]bool{}
		for _, r := range rows {
			used[r.agency().Settings.TrackingPrefix] = true
		}
		s.TrackingPrefix = freePrefix(s.TrackingPrefix, code, used)
		b, _ = json.Marshal(s)
		err := tx.GetContext(ctx, &id, tx.Rebind(`INSERT INTO agencies (code, name, settings, tracking_prefix, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`), code, name, string(b), s.TrackingPrefix, now.UTC())
		return db.prefixTaken(ctx, err, 0, s.TrackingPrefix)
	})
	if err != nil {
		return cases.Agency{}, err
	}
	return cases.Agency{ID: id, Code: code, Name: name, Settings: s}, nil
}

// UpdateAgency changes an agency's name and settings; EINVALID with fields for invalid settings.
func (db *DB) UpdateAgency(ctx context.Context, a cases.Agency) error {
	if a.Name == "" {
		return cases.Errorf(cases.EINVALID, "请填写机关名称。", "an agency needs a name")
	}
	st := a.Settings.WithDefaults()
	if err := st.Validate(); err != nil {
		return err
	}
	b, _ := json.Marshal(st)
	res, err := db.W.ExecContext(ctx, db.W.Rebind(`UPDATE agencies SET name = ?, settings = ?, tracking_prefix = ? WHERE id = ?`), a.Name, string(b), st.TrackingPrefix, a.ID)
	if err := db.prefixTaken(ctx, err, a.ID, st.TrackingPrefix); err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return cases.Errorf(cases.ENOTFOUND, "机关不存在。", "no such agency")
	}
	return nil
}

// Agencies lists every agency by code.
func (db *DB) Agencies(ctx context.Context) ([]cases.Agency, error) {
	as, err := cached(ctx, db, "agencies", func() ([]cases.Agency, error) { // kept until the next commit (readcache.go)
		var rows []agencyRow
		if err := db.R.SelectContext(ctx, &rows, `SELECT id, code, name, settings FROM agencies ORDER BY id`); err != nil {
			return nil, err
		}
		out := make([]cases.Agency, len(rows))
		for i, r := range rows {
			out[i] = r.agency()
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]cases.Agency, len(as))
	for i, a := range as {
		out[i] = cloneAgency(a)
	}
	return out, nil
}

// cloneAgency copies an agency with the maps and slices of its settings, so that a caller may
// change what it got without changing the cached one (TestCloneAgencyCopiesEverySetting names
// every field of Settings that refers to memory).
func cloneAgency(a cases.Agency) cases.Agency {
	s := &a.Settings
	s.LetterPrefixes = maps.Clone(s.LetterPrefixes)
	s.AlertThresholds = slices.Clone(s.AlertThresholds)
	s.Retention = maps.Clone(s.Retention)
	if s.Phrases != nil {
		p := make(map[string][]string, len(s.Phrases))
		for k, v := range s.Phrases {
			p[k] = slices.Clone(v)
		}
		s.Phrases = p
	}
	return a
}

// AgencyByCode returns the agency with code; ENOTFOUND when none. An empty code means the
// deployment's only (first) agency.
func (db *DB) AgencyByCode(ctx context.Context, code string) (cases.Agency, error) {
	var r agencyRow
	var err error
	if code == "" {
		err = db.R.GetContext(ctx, &r, `SELECT id, code, name, settings FROM agencies ORDER BY id LIMIT 1`)
	} else {
		err = db.R.GetContext(ctx, &r, db.R.Rebind(`SELECT id, code, name, settings FROM agencies WHERE code = ?`), code)
	}
	if err != nil {
		return cases.Agency{}, notFound(err, "机关不存在。", "no such agency")
	}
	return r.agency(), nil
}

// Agency returns the agency with id.
func (db *DB) Agency(ctx context.Context, id int64) (cases.Agency, error) {
	// every staff page asks for the user's agency: kept until the next commit (readcache.go)
	a, err := cached(ctx, db, "agency\x00"+strconv.FormatInt(id, 10), func() (cases.Agency, error) { return agencyTx(ctx, db.R, id) })
	return cloneAgency(a), err
}

type getter interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	Rebind(string) string
}

func agencyTx(ctx context.Context, q getter, id int64) (cases.Agency, error) {
	var r agencyRow
	if err := q.GetContext(ctx, &r, q.Rebind(`SELECT id, code, name, settings FROM agencies WHERE id = ?`), id); err != nil {
		return cases.Agency{}, notFound(err, "机关不存在。", "no such agency")
	}
	return r.agency(), nil
}

func validCode(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// freePrefix returns want when no agency uses it, else the letters and digits of code in upper
// case, else want followed by the first free number.
func freePrefix(want, code string, used map[string]bool) string {
	if !used[want] {
		return want
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if (r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') && b.Len() < 10 {
			b.WriteRune(r)
		}
	}
	if c := b.String(); c != "" && !used[c] {
		return c
	}
	for i := 2; ; i++ {
		if p := fmt.Sprintf("%s%d", want, i); !used[p] {
			return p
		}
	}
}

// prefixTaken turns the violation of the unique tracking prefix (migration 0011) into EINVALID on
// the field tracking_prefix, naming the agency that has it; other errors pass unchanged.
func (db *DB) prefixTaken(ctx context.Context, err error, id int64, prefix string) error {
	if !isUniqueViolation(err, "agencies_tracking_prefix", "agencies.tracking_prefix") {
		return err
	}
	var other string
	_ = db.R.GetContext(ctx, &other, db.R.Rebind(`SELECT name FROM agencies WHERE tracking_prefix = ? AND id <> ?`), prefix, id)
	var fe cases.FieldErrors
	fe.Add("tracking_prefix", "该前缀已由“"+other+"”使用，申请编号须全系统唯一。", "The prefix is used by "+other+"; tracking numbers are unique across the deployment.")
	return fe.Err()
}

// checkTrackingPrefixes refuses to make the tracking prefix unique while agencies share one: the
// message names each shared prefix and its agencies.
func checkTrackingPrefixes(ctx context.Context, tx *sqlx.Tx) error {
	var rows []agencyRow
	if err := tx.SelectContext(ctx, &rows, `SELECT id, code, name, settings FROM agencies ORDER BY code`); err != nil {
		return err
	}
	by := map[string][]string{}
	var prefixes []string
	for _, r := range rows {
		p := r.agency().Settings.TrackingPrefix
		if by[p] == nil {
			prefixes = append(prefixes, p)
		}
		by[p] = append(by[p], fmt.Sprintf("%s（%s）", r.Code, r.Name))
	}
	var dup []string
	for _, p := range prefixes {
		if len(by[p]) > 1 {
			dup = append(dup, fmt.Sprintf("“%s”：%s", p, strings.Join(by[p], "、")))
		}
	}
	if len(dup) == 0 {
		return nil
	}
	return fmt.Errorf("申请编号前缀须全系统唯一，以下机关共用前缀，请先在机关设置中为每个机关改用不同的前缀，再运行迁移：%s (agencies share a tracking-number prefix; give each its own, then migrate again)", strings.Join(dup, "；"))
}
