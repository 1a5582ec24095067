package main

import (
	"context"
	"io"
)

const backupUsage = `Usage: foidesk backup --out FILE [--db DSN]

Writes a consistent online copy of the SQLite database, documents included (they are stored in
it), while foidesk keeps running. FILE must not exist. For PostgreSQL use pg_dump.`

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags(ctx, "backup")
	dsn := f.DB()
	out := f.String("out", "", "the copy to write")
	if err := f.parseNone(args, backupUsage, stdout); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	db, err := openExistingDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	logger(ctx).Info("backup written", "out", *out)
	return nil
}
