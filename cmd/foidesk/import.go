package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	cases "foidesk/case"
	"foidesk/store"
)

const importUsage = `Usage: foidesk import [--user NAME] [--agency CODE] [--db DSN] FILE.csv|FILE.xlsx

Imports a spreadsheet ledger (docs/api.md "Ledger import file"): a header row with the columns
tracking_no, applicant_kind, org_category, name, id_type, id_number, channel, received_on,
description, outcome, concluded_on, letter_no and optionally remedy_kind, remedy_result,
remedy_filed_on, remedy_decided_on (order free, unknown columns refused; CSV in UTF-8, a BOM
allowed). The whole file is checked first and nothing is written if any row is wrong: each
problem is printed to stderr as "row R, column C: message" and the command exits 1. Every row
becomes a case with an "imported" event by --user (an administrator) or the built-in system
account; a row without outcome is registered, unassigned, with its deadline computed; a concluded
one is replied or closed. Imported tracking and letter numbers are kept and reserved. Prints
"imported: N (open: O, concluded: C, remedies: R)".`

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "import")
	dsn := f.DB()
	user := f.String("user", "", "the importing administrator (default: the system account)")
	agency := f.String("agency", "", "agency code (default: the first agency)")
	pos, err := f.parse(args, importUsage, stdout)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one file to import")
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	actor, err := actorOf(ctx, db, *user)
	if err != nil {
		return err
	}
	res, err := db.ImportLedger(ctx, pos[0], data, store.ImportOptions{Actor: actor, Agency: *agency})
	if err != nil {
		var e *cases.Error
		if errors.As(err, &e) && e.Code == cases.EINVALID {
			fmt.Fprintf(stderr, "foidesk import: %s\n", e.Message)
			return exitError{1}
		}
		return err
	}
	logger(ctx).Info("ledger imported", "file", pos[0], "cases", res.Cases, "actor", actor.Name)
	fmt.Fprintf(stdout, "imported: %d (open: %d, concluded: %d, remedies: %d)\n", res.Cases, res.Open, res.Concluded, res.Remedies)
	return nil
}
