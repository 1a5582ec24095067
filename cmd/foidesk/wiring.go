package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"foidesk/forms"
	"foidesk/store"
)

// openDB opens the database named by dsn, creating a SQLite file if there is none, and applies the
// pending migrations (commands that write: serve, migrate, agency, user, token, calendar set, demo).
func openDB(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(dsn)
	if err != nil {
		return nil, err
	}
	db.Now = opts(ctx).Now
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openExistingDB opens a database that must already exist (commands that only read or check:
// audit verify, calendar explain --case, backup); it never creates a SQLite file.
func openExistingDB(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.OpenExisting(dsn)
	if err != nil {
		return nil, err
	}
	if db == nil {
		return nil, fmt.Errorf("no database at %s (set --db or FOIDESK_DB)", dsn)
	}
	db.Now = opts(ctx).Now
	return db, nil
}

// loadRenderer loads the letter font (and its bold face when one sits beside it) and returns the
// PDF renderer. A missing font is a start-up error naming the path and the Debian package.
func loadRenderer(path string) (*forms.Renderer, error) {
	font, err := forms.LoadFont(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || !fileExists(path) {
			return nil, fmt.Errorf("font %s not found: install the Debian package %s (apt-get install %s) or give another CJK TrueType font with --font or FOIDESK_FONT",
				path, forms.FontPackage, forms.FontPackage)
		}
		return nil, err
	}
	var bold *forms.Font
	if bp := boldPath(path); bp != "" && fileExists(bp) {
		if bold, err = forms.LoadFont(bp); err != nil {
			bold = nil
		}
	}
	return forms.NewRenderer(font, bold), nil
}

// boldPath guesses the bold face of a font: …-Regular.ttf → …-Bold.ttf.
func boldPath(path string) string {
	dir, base := filepath.Split(path)
	if !strings.Contains(base, "Regular") {
		return ""
	}
	return filepath.Join(dir, strings.Replace(base, "Regular", "Bold", 1))
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

// redact hides the password of a postgres:// URL for logs.
func redact(dsn string) string {
	if !store.IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// openExistingForCalendar opens the database for reading the calendar overrides if it exists:
// (nil, nil) when a SQLite file is absent, so that nothing is ever created.
func openExistingForCalendar(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.OpenExisting(dsn)
	if db != nil {
		db.Now = opts(ctx).Now
	}
	return db, err
}
