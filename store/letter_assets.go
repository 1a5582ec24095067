package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"image/png"
	"time"

	"github.com/jmoiron/sqlx"

	cases "foidesk/case"
)

// SetAgencySeal stores the agency's seal image (PNG, with transparency), printed over the date
// line of every letter it issues from now on; nil removes it. A file that is not a PNG of a
// sensible size is refused with EINVALID.
func (db *DB) SetAgencySeal(ctx context.Context, agencyID int64, seal []byte, by string) error {
	if seal != nil {
		if err := checkSeal(seal); err != nil {
			return err
		}
	}
	return db.setLetterAssets(ctx, agencyID, by, func(a *cases.LetterAssets) { a.Seal = seal })
}

// checkSeal refuses what is not a PNG image between 100 and 4000 pixels a side, about square.
func checkSeal(seal []byte) error {
	bad := func(zh, en string) error {
		return &cases.Error{Code: cases.EINVALID, Message: zh, MessageEN: en, Fields: map[string]string{"seal": zh}, FieldsEN: map[string]string{"seal": en}}
	}
	if len(seal) > cases.MaxSealBytes {
		return bad("印章图片不能超过1 MB。", "The seal image may not exceed 1 MB.")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(seal))
	if err != nil {
		return bad("印章图片须为PNG格式（透明背景）。", "The seal image must be a PNG (transparent background).")
	}
	if cfg.Width < 100 || cfg.Height < 100 || cfg.Width > 4000 || cfg.Height > 4000 || cfg.Width*4 < cfg.Height*3 || cfg.Height*4 < cfg.Width*3 {
		return bad("印章图片应大致为正方形，边长100至4000像素。", "The seal image should be about square, 100 to 4000 pixels a side.")
	}
	if _, err := png.Decode(bytes.NewReader(seal)); err != nil {
		return bad("印章图片无法读取。", "The seal image cannot be read.")
	}
	return nil
}

// SetAgencySigningKey stores the PEM certificate chain and private key with which every letter
// the agency issues from now on is signed; empty removes them. The caller checks that they
// belong together (forms.NewSigner).
func (db *DB) SetAgencySigningKey(ctx context.Context, agencyID int64, certPEM, keyPEM []byte, by string) error {
	return db.setLetterAssets(ctx, agencyID, by, func(a *cases.LetterAssets) { a.SigningCert, a.SigningKey = certPEM, keyPEM })
}

// AgencyLetterAssets returns the agency's seal and signing key (empty when none were set).
func (db *DB) AgencyLetterAssets(ctx context.Context, agencyID int64) (*cases.LetterAssets, error) {
	return letterAssets(ctx, db.R, agencyID)
}

type letterAssetsRow struct {
	Seal []byte `db:"seal_png"`
	Cert string `db:"signing_cert"`
	Key  string `db:"signing_key"`
}

func letterAssets(ctx context.Context, q getter, agencyID int64) (*cases.LetterAssets, error) {
	var r letterAssetsRow
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT seal_png, signing_cert, signing_key FROM agency_letter_assets WHERE agency_id = ?`), agencyID)
	if errors.Is(err, sql.ErrNoRows) {
		return &cases.LetterAssets{}, nil
	}
	if err != nil {
		return nil, err
	}
	a := &cases.LetterAssets{Seal: r.Seal}
	if r.Cert != "" {
		a.SigningCert, a.SigningKey = []byte(r.Cert), []byte(r.Key)
	}
	return a, nil
}

func (db *DB) setLetterAssets(ctx context.Context, agencyID int64, by string, change func(*cases.LetterAssets)) error {
	return db.tx(ctx, func(tx *sqlx.Tx, now time.Time) error {
		if _, err := agencyTx(ctx, tx, agencyID); err != nil {
			return err
		}
		a, err := letterAssets(ctx, tx, agencyID)
		if err != nil {
			return err
		}
		change(a)
		var seal any
		if a.Seal != nil {
			seal = a.Seal
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO agency_letter_assets (agency_id, seal_png, signing_cert, signing_key, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (agency_id) DO UPDATE SET seal_png = excluded.seal_png, signing_cert = excluded.signing_cert, signing_key = excluded.signing_key,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`), agencyID, seal, string(a.SigningCert), string(a.SigningKey), by, now.UTC())
		return err
	})
}
