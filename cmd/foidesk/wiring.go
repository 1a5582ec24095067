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

// loadRenderer loads the letter fonts and returns the PDF renderer: the body font at path, the
// heading font (--font-heading, else the bold face beside the body font) and the title font
// (--font-title, else the heading font). A font that is missing or unusable is a start-up error
// naming its setting, its path and, for the default, the Debian package.
func loadRenderer(ctx context.Context, path string) (*forms.Renderer, error) {
	font, err := loadFontSetting("--font (FOIDESK_FONT)", path)
	if err != nil {
		return nil, err
	}
	o := opts(ctx)
	var heading *forms.Font
	switch {
	case o.FontHeading != "":
		if heading, err = loadFontSetting("--font-heading (FOIDESK_FONT_HEADING)", o.FontHeading); err != nil {
			return nil, err
		}
	default:
		if bp := boldPath(path); bp != "" && fileExists(bp) {
			if heading, err = forms.LoadFont(bp); err != nil {
				heading = nil
			}
		}
	}
	r := forms.NewRenderer(font, heading)
	if o.FontTitle != "" {
		title, err := loadFontSetting("--font-title (FOIDESK_FONT_TITLE)", o.FontTitle)
		if err != nil {
			return nil, err
		}
		r.SetTitleFont(title)
	}
	return r, nil
}

// loadFontSetting loads the font of one setting, with an error that names the setting.
func loadFontSetting(setting, path string) (*forms.Font, error) {
	font, err := forms.LoadFont(path)
	if err == nil {
		return font, nil
	}
	if errors.Is(err, fs.ErrNotExist) || !fileExists(path) {
		return nil, fmt.Errorf("%s: font %s not found: install the Debian package %s (apt-get install %s) or give another CJK TrueType font (a .ttf with TrueType outlines; not .ttc or CFF .otf)",
			setting, path, forms.FontPackage, forms.FontPackage)
	}
	return nil, fmt.Errorf("%s: %w", setting, err)
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
