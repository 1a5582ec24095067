package store

import (
	"context"
	"encoding/json"
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
		return tx.GetContext(ctx, &id, tx.Rebind(`INSERT INTO agencies (code, name, settings, created_at) VALUES (?, ?, ?, ?) RETURNING id`), code, name, string(b), now.UTC())
	})
	if err != nil {
		return cases.Agency{}, err
	}
	return cases.Agency{ID: id, Code: code, Name: name, Settings: s}, nil
}

// UpdateAgency changes an agency's name and settings.
func (db *DB) UpdateAgency(ctx context.Context, a cases.Agency) error {
	b, _ := json.Marshal(a.Settings.WithDefaults())
	res, err := db.W.ExecContext(ctx, db.W.Rebind(`UPDATE agencies SET name = ?, settings = ? WHERE id = ?`), a.Name, string(b), a.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return cases.Errorf(cases.ENOTFOUND, "机关不存在。", "no such agency")
	}
	return nil
}

// Agencies lists every agency by code.
func (db *DB) Agencies(ctx context.Context) ([]cases.Agency, error) {
	var rows []agencyRow
	if err := db.R.SelectContext(ctx, &rows, `SELECT id, code, name, settings FROM agencies ORDER BY id`); err != nil {
		return nil, err
	}
	out := make([]cases.Agency, len(rows))
	for i, r := range rows {
		out[i] = r.agency()
	}
	return out, nil
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
	return agencyTx(ctx, db.R, id)
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
