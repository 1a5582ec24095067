package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

// UpdateUser applies a patch to a staff account in one transaction: roles are checked against
// cases.Roles, agencies must exist, a new password has at least 8 characters.
func (db *DB) UpdateUser(ctx context.Context, id int64, p cases.UserPatch) (cases.User, error) {
	var f cases.FieldErrors
	if p.Roles != nil {
		rs, err := ParseRoles(strings.Join(*p.Roles, ","))
		if err != nil {
			f.Add("roles", cases.ErrorMessage(err, "zh"), cases.ErrorMessage(err, "en"))
		} else {
			*p.Roles = rs
		}
	}
	if p.Password != nil && len([]rune(*p.Password)) < 8 {
		f.Add("password", "密码至少8个字符。", "A password has at least 8 characters.")
	}
	if p.DisplayName != nil && len([]rune(*p.DisplayName)) > 100 {
		f.Add("display_name", "姓名不得超过100个字。", "The name must not exceed 100 characters.")
	}
	if p.Email != nil && *p.Email != "" {
		if err := cases.ValidateEmail(*p.Email); err != nil {
			f.Add("email", cases.ErrorMessage(err, "zh"), cases.ErrorMessage(err, "en"))
		}
	}
	if err := f.Err(); err != nil {
		return cases.User{}, err
	}
	err := db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM users WHERE id = ?`), id); err != nil {
			return err
		}
		if n == 0 {
			return cases.E(cases.ENOTFOUND, "用户不存在。", "no such user")
		}
		set := func(col string, v any) error {
			_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET `+col+` = ? WHERE id = ?`), v, id)
			return err
		}
		checkAgency := func(aid int64) error {
			if _, err := agencyTx(ctx, tx, aid); err != nil {
				var f cases.FieldErrors
				f.Add("agency", "机关不存在。", "No such agency.")
				return f.Err()
			}
			return nil
		}
		if p.DisplayName != nil {
			if err := set("display_name", strings.TrimSpace(*p.DisplayName)); err != nil {
				return err
			}
		}
		if p.Email != nil {
			if err := set("email", strings.TrimSpace(*p.Email)); err != nil {
				return err
			}
		}
		if p.Roles != nil {
			if err := set("roles", strings.Join(*p.Roles, ",")); err != nil {
				return err
			}
		}
		if p.Active != nil {
			if err := set("active", *p.Active); err != nil {
				return err
			}
		}
		if p.Password != nil {
			if err := set("password_hash", HashPassword(*p.Password)); err != nil {
				return err
			}
		}
		if p.MustChangePassword != nil {
			if err := set("must_change_password", *p.MustChangePassword); err != nil {
				return err
			}
		}
		if p.AllAgencies != nil {
			if err := set("all_agencies", *p.AllAgencies); err != nil {
				return err
			}
		}
		if p.AgencyID != nil {
			if err := checkAgency(*p.AgencyID); err != nil {
				return err
			}
			if err := set("agency_id", *p.AgencyID); err != nil {
				return err
			}
		}
		if p.Agencies != nil {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM user_agencies WHERE user_id = ?`), id); err != nil {
				return err
			}
			ids := slices.Clone(*p.Agencies)
			slices.Sort(ids)
			for _, aid := range slices.Compact(ids) {
				if err := checkAgency(aid); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO user_agencies (user_id, agency_id) VALUES (?, ?)`), id, aid); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return cases.User{}, err
	}
	return db.UserByID(ctx, id)
}
