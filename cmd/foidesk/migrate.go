package main

import (
	"context"
	"io"
)

const migrateUsage = `Usage: foidesk migrate [--db DSN]

Applies the pending migrations of the database (creating a SQLite file if there is none) and
refuses a database newer than this binary. Prints nothing on success.`

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "migrate")
	dsn := f.DB()
	if err := f.parseNone(args, migrateUsage, stdout); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	logger(ctx).Info("database is up to date", "db", redact(*dsn))
	return nil
}
