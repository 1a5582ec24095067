package main

import (
	"context"
	"fmt"
	"io"
)

const tokenUsage = `Usage: foidesk token create --user NAME [--label TEXT] [--db DSN]

Issues an API bearer token for a staff account (header "Authorization: Bearer TOKEN") and prints
only the token, on one line. Only its SHA-256 is stored: keep the printed value.`

// runToken runs the subcommand of "foidesk token" named by args[0].
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, tokenUsage,
		subcommand{Name: "create", Summary: "issue a token", Run: runTokenCreate})
}

func runTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "token create")
	dsn := f.DB()
	user := f.String("user", "", "the staff account")
	label := f.String("label", "cli", "a label to recognise the token by")
	if err := f.parseNone(args, tokenUsage, stdout); err != nil {
		return err
	}
	if *user == "" {
		return usagef("--user is required")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByName(ctx, *user)
	if err != nil {
		return err
	}
	tok, err := db.CreateToken(ctx, u.ID, *label)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}
