package main

import (
	"context"
	"io"

	cases "foidesk/case"
)

const agencyUsage = `Usage: foidesk agency add CODE --name NAME [--db DSN]

Creates an agency (a body that answers applications in its own name, Art. 27). A fresh database
has one default agency; add others for the departments of a district. CODE is letters, digits,
_ and -. Prints nothing on success.`

// runAgency runs the subcommand of "foidesk agency" named by args[0].
func runAgency(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, agencyUsage,
		subcommand{Name: "add", Summary: "create an agency", Run: runAgencyAdd})
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
