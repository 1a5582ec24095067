package main

import (
	"context"
	"fmt"
	"io"
	"os"

	cases "foidesk/case"
	"foidesk/forms"
)

const agencyUsage = `Usage: foidesk agency add CODE --name NAME [--db DSN]
       foidesk agency seal CODE --png FILE [--db DSN]
       foidesk agency signing-key CODE --cert FILE --key FILE [--db DSN]

add creates an agency (a body that answers applications in its own name, Art. 27). A fresh
database has one default agency; add others for the departments of a district. CODE is letters,
digits, _ and -.

seal stores the agency's seal image (a PNG with a transparent background, about square), printed
over the date line of every letter and notice it issues from now on (never on a draft preview).

signing-key stores a PEM certificate (its chain after it) and the PEM private key that belongs to
it: from then on every letter and receipt the agency issues carries a PDF signature (PAdES
baseline B) over the whole document, which a recipient can check (e.g. with poppler's pdfsig).

Each prints nothing on success.`

// runAgency runs the subcommand of "foidesk agency" named by args[0].
func runAgency(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, agencyUsage,
		subcommand{Name: "add", Summary: "create an agency", Run: runAgencyAdd},
		subcommand{Name: "seal", Summary: "set the seal image printed on letters", Run: runAgencySeal},
		subcommand{Name: "signing-key", Summary: "set the certificate and key that sign letters", Run: runAgencySigningKey})
}

func runAgencyAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "agency add")
	dsn := f.DB()
	name := f.String("name", "", "the agency's name")
	pos, err := f.parse(args, agencyUsage, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one agency CODE")
	}
	if *name == "" {
		return usagef("--name is required")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.CreateAgency(ctx, pos[0], *name, cases.DefaultSettings())
	if err != nil {
		return err
	}
	logger(ctx).Info("agency created", "code", a.Code, "name", a.Name)
	return nil
}

func runAgencySeal(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "agency seal")
	dsn := f.DB()
	file := f.String("png", "", "the seal image (PNG)")
	pos, err := f.parse(args, agencyUsage, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *file == "" {
		return usagef("give one agency CODE and --png FILE")
	}
	png, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.AgencyByCode(ctx, pos[0])
	if err != nil {
		return err
	}
	if err := db.SetAgencySeal(ctx, a.ID, png, "system"); err != nil {
		return fmt.Errorf("%s: %s", *file, cases.ErrorMessage(err, "en"))
	}
	logger(ctx).Info("seal set", "agency", a.Code, "bytes", len(png))
	return nil
}

func runAgencySigningKey(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "agency signing-key")
	dsn := f.DB()
	certFile := f.String("cert", "", "PEM certificate (chain)")
	keyFile := f.String("key", "", "PEM private key")
	pos, err := f.parse(args, agencyUsage, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *certFile == "" || *keyFile == "" {
		return usagef("give one agency CODE, --cert FILE and --key FILE")
	}
	cert, err := os.ReadFile(*certFile)
	if err != nil {
		return err
	}
	key, err := os.ReadFile(*keyFile)
	if err != nil {
		return err
	}
	s, err := forms.NewSigner(cert, key)
	if err != nil {
		return fmt.Errorf("the certificate and key cannot sign letters: %w", err)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.AgencyByCode(ctx, pos[0])
	if err != nil {
		return err
	}
	if err := db.SetAgencySigningKey(ctx, a.ID, cert, key, "system"); err != nil {
		return err
	}
	logger(ctx).Info("signing key set", "agency", a.Code, "subject", s.Subject(), "not_after", s.NotAfter().Format("2006-01-02"))
	return nil
}
