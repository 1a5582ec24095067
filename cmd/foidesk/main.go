// Command foidesk is the one binary of foidesk: the web server and the administration commands
// (docs/api.md "CLI"). The binary only wires: it parses flags and connects the packages (store,
// web, notify, forms, demo), which hold every rule. The commands are the table commandTable below;
// each command's run function, usage text and helpers live in a file named after it (serve.go,
// ledger.go, …). Adding a command is one row in the table and one file.
//
// A command reads its flags with newFlags (which adds --db, --font and --addr where asked), logs to
// stderr through logger(ctx), and writes to stdout only the output docs/api.md gives it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"time"

	_ "time/tzdata" // Asia/Shanghai on machines without zoneinfo

	cases "foidesk/case"
	"foidesk/forms"
)

// command is one top-level command of the binary.
type command struct {
	Name    string // the word after "foidesk"
	Summary string // one line for "foidesk --help"
	Usage   string // the synopsis and what the command does, for "foidesk NAME --help"
	// Run runs the command with the arguments after its name. It returns a usageError for bad
	// arguments (exit 2), an exitError to exit with a code and no message, or any other error
	// (printed, exit 1).
	Run func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commandTable is every command of the binary, in the order "foidesk --help" lists them.
func commandTable() []*command {
	return []*command{
		{Name: "agency", Summary: "add an agency (agency add CODE --name NAME)", Usage: agencyUsage, Run: runAgency},
		{Name: "archive", Summary: "the archival transfer of a year and its offline verification (archive export, archive verify)", Usage: archiveUsage, Run: runArchive},
		{Name: "audit", Summary: "verify the hash-chained case histories (audit verify)", Usage: auditUsage, Run: runAudit},
		{Name: "backup", Summary: "write a consistent online copy of the database", Usage: backupUsage, Run: runBackup},
		{Name: "calendar", Summary: "working days: due, is-workday, explain, set", Usage: calendarUsage, Run: runCalendar},
		{Name: "demo", Summary: "fill the database with demo data and print the demo logins", Usage: demoUsage, Run: runDemo},
		{Name: "import", Summary: "import a spreadsheet ledger (CSV or XLSX), all or nothing", Usage: importUsage, Run: runImport},
		{Name: "ledger", Summary: "the filing ledger: export (PDF, CSV, XLSX), audit findings and monthly sign-off", Usage: ledgerUsage, Run: runLedger},
		{Name: "migrate", Summary: "apply pending database migrations", Usage: migrateUsage, Run: runMigrate},
		{Name: "notify", Summary: "deadline sweep, lapses and notices (notify run-once)", Usage: notifyUsage, Run: runNotify},
		{Name: "report", Summary: "annual report (tables 三 and 四, fees) or monthly statistics as JSON, CSV or PDF", Usage: reportUsage, Run: runReport},
		{Name: "serve", Summary: "run the web server and the scheduler", Usage: serveUsage, Run: runServe},
		{Name: "token", Summary: "issue an API token (token create --user NAME); prints only the token", Usage: tokenUsage, Run: runToken},
		{Name: "user", Summary: "add a staff account (user add NAME --role R[,R]; password on stdin)", Usage: userUsage, Run: runUser},
	}
}

// lookup returns the command named name.
func lookup(name string) (*command, bool) {
	for _, c := range commandTable() {
		if c.Name == name {
			return c, true
		}
	}
	return nil, false
}

// Defaults of the global settings (docs/design.md "Interfaces").
const (
	defaultDB   = "foidesk.db"
	defaultAddr = ":8080"
)

// options are the global settings: flags before the command name, else FOIDESK_* variables, else
// the defaults. Commands see them through opts(ctx) and as the defaults of their own flags.
type options struct {
	DB   string
	Addr string
	Font string
	// FontTitle and FontHeading are the fonts of the letters' titles and agency name (小标宋) and
	// of headings (黑体); empty: the bold face beside Font (docs/design.md "Documents").
	FontTitle   string
	FontHeading string
	Stdin       io.Reader
	Logger      *slog.Logger
	// Now is the process clock: time.Now, or with FOIDESK_NOW the instant given there when the
	// process started, advancing from it (docs/api.md "Clock and deployment settings"). Every
	// database a command opens, the web server and the scheduler read the time from it.
	Now func() time.Time
}

type optionsKey struct{}

// opts returns the global options of the running command.
func opts(ctx context.Context) *options {
	if o, ok := ctx.Value(optionsKey{}).(*options); ok {
		return o
	}
	return &options{DB: defaultDB, Addr: defaultAddr, Font: forms.DefaultFontPath, Stdin: os.Stdin, Logger: slog.Default(), Now: time.Now}
}

// logger is the structured logger of the running command (stderr).
func logger(ctx context.Context) *slog.Logger { return opts(ctx).Logger }

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// usageError is a mistake in the command line: printed with the command's usage, exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitError ends the command with Code and prints nothing more.
type exitError struct{ Code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

func main() {
	// FOIDESK_CPUPROFILE and FOIDESK_MEMPROFILE write pprof profiles of the command's run (how the
	// figures of docs/performance.md were analysed).
	if path := os.Getenv("FOIDESK_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f) // stopped below, before exiting
		}
	}
	code := Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if path := os.Getenv("FOIDESK_MEMPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	pprof.StopCPUProfile()
	os.Exit(code)
}

// Main runs foidesk with args (without the program name) and returns the exit code. SIGINT and
// SIGTERM cancel the command's context (serve shuts down gracefully).
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return MainContext(ctx, args, stdin, stdout, stderr)
}

// MainContext is Main with a context of the caller's (tests cancel it to stop serve).
func MainContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o := &options{Stdin: stdin}
	global := flag.NewFlagSet("foidesk", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&o.DB, "db", envOr("FOIDESK_DB", defaultDB), "")
	global.StringVar(&o.Addr, "addr", envOr("FOIDESK_ADDR", defaultAddr), "")
	global.StringVar(&o.Font, "font", envOr("FOIDESK_FONT", forms.DefaultFontPath), "")
	global.StringVar(&o.FontTitle, "font-title", os.Getenv("FOIDESK_FONT_TITLE"), "")
	global.StringVar(&o.FontHeading, "font-heading", os.Getenv("FOIDESK_FONT_HEADING"), "")
	logLevel := global.String("log-level", envOr("FOIDESK_LOG_LEVEL", "info"), "")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "foidesk: %v\n\n", err)
		printHelp(stderr)
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "foidesk: bad log level %q (debug, info, warn, error)\n", *logLevel)
		return 2
	}
	o.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	o.Now = time.Now
	if v := os.Getenv("FOIDESK_NOW"); v != "" {
		now, err := clockFrom(v, time.Now)
		if err != nil {
			fmt.Fprintf(stderr, "foidesk: %v\n", err)
			return 2
		}
		o.Now = now
		o.Logger.Warn("FOIDESK_NOW is set: the clock runs from that instant, not the real time (rehearsals and tests only)", "FOIDESK_NOW", v, "now", now().Format(time.RFC3339))
	}
	rest := global.Args()
	if len(rest) == 0 {
		printHelp(stderr)
		return 2
	}
	name := rest[0]
	if name == "help" {
		if len(rest) > 1 {
			if c, ok := lookup(rest[1]); ok {
				printUsage(stdout, c)
				return 0
			}
		}
		printHelp(stdout)
		return 0
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "foidesk: unknown command %q\n\n", name)
		printHelp(stderr)
		return 2
	}
	ctx = context.WithValue(ctx, optionsKey{}, o)
	err := c.Run(ctx, rest[1:], stdout, stderr)
	return exitCode(err, c, stderr)
}

// clockFrom returns a clock that reads the instant v (RFC 3339) when called now and advances with
// real, as FOIDESK_NOW asks.
func clockFrom(v string, real func() time.Time) (func() time.Time, error) {
	at, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
	if err != nil {
		return nil, fmt.Errorf("FOIDESK_NOW %q is not an RFC 3339 instant (e.g. 2026-10-09T08:30:00+08:00)", v)
	}
	offset := at.Sub(real())
	return func() time.Time { return real().Add(offset).In(at.Location()) }, nil
}

// exitCode prints err the way its kind asks and returns the exit code.
func exitCode(err error, c *command, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "foidesk %s: %s\n\n", c.Name, ue.msg)
		printUsage(stderr, c)
		return 2
	}
	fmt.Fprintf(stderr, "foidesk %s: %s\n", c.Name, describe(err))
	return 1
}

// describe is an error as a person reads it: a coded error's Chinese and English messages and its
// fields; any other error as it is.
func describe(err error) string {
	var e *cases.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	var b strings.Builder
	b.WriteString(e.Message)
	if e.MessageEN != "" && e.MessageEN != e.Message {
		b.WriteString(" (" + e.MessageEN + ")")
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(keys) == 1 && e.Fields[k] == e.Message { // already said
			break
		}
		fmt.Fprintf(&b, "\n  %s: %s", k, e.Fields[k])
		if en := e.FieldsEN[k]; en != "" {
			b.WriteString(" (" + en + ")")
		}
	}
	return b.String()
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `foidesk — case management for government information disclosure (政府信息公开依申请公开)

Usage: foidesk [global flags] COMMAND [arguments]

Commands:
`)
	for _, c := range commandTable() {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Summary)
	}
	fmt.Fprint(w, `
Global flags (also accepted after the command where it uses them):
  --db DSN        database: a SQLite file or a postgres:// URL (FOIDESK_DB, default foidesk.db)
  --addr ADDR     listen address of serve (FOIDESK_ADDR, default :8080)
  --font PATH     CJK TrueType font of the letters' body text, e.g. 仿宋_GB2312 (FOIDESK_FONT, default
                  `+forms.DefaultFontPath+`)
  --font-title PATH    font of a letter's agency name and title, e.g. 方正小标宋 (FOIDESK_FONT_TITLE;
                  default: the heading font)
  --font-heading PATH  font of headings, e.g. 黑体 (FOIDESK_FONT_HEADING; default: the -Bold face
                  beside --font, else --font drawn thicker)
  --log-level L   debug, info, warn or error (FOIDESK_LOG_LEVEL, default info)

Logs go to stderr; stdout carries only each command's output.
Run "foidesk COMMAND --help" for the details of a command.
`)
}

func printUsage(w io.Writer, c *command) {
	fmt.Fprintf(w, "%s\n", strings.TrimSpace(c.Usage))
}

// flags is a command's flag set: it refuses unknown flags and accepts flags between positional
// arguments ("agency add CODE --name NAME").
type flags struct {
	*flag.FlagSet
	ctx context.Context
}

// newFlags returns the flag set of a command. Its usage output goes to stderr on a mistake; help
// (-h, --help) is answered by the caller with the command's Usage.
func newFlags(ctx context.Context, name string) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flags{FlagSet: fs, ctx: ctx}
}

// DB adds --db with the global value as its default.
func (f *flags) DB() *string {
	return f.String("db", opts(f.ctx).DB, "database (SQLite file or postgres:// URL)")
}

// Font adds --font with the global value as its default.
func (f *flags) Font() *string { return f.String("font", opts(f.ctx).Font, "CJK TrueType font") }

// Addr adds --addr with the global value as its default.
func (f *flags) Addr() *string { return f.String("addr", opts(f.ctx).Addr, "listen address") }

// parse parses args, allowing flags after positional arguments; everything after "--" is
// positional. It returns the positional arguments. -h and --help return flag.ErrHelp after the
// caller's usage has been printed to stdout.
func (f *flags) parse(args []string, usage string, stdout io.Writer) ([]string, error) {
	var pos []string
	for {
		err := f.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, strings.TrimSpace(usage))
			return nil, flag.ErrHelp
		}
		if err != nil {
			return nil, usageError{err.Error()}
		}
		rest := f.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// parseNone parses args like parse for a command that takes no positional argument: one given is
// a usage error.
func (f *flags) parseNone(args []string, usage string, stdout io.Writer) error {
	pos, err := f.parse(args, usage, stdout)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	return nil
}

// subcommand is one word after a command ("agency add").
type subcommand struct {
	Name    string
	Summary string
	Run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// dispatch runs the subcommand named by args[0]; usage is the parent's usage text.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, usage string, subs ...subcommand) error {
	if len(args) == 0 {
		return usagef("missing subcommand")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help" {
		fmt.Fprintln(stdout, strings.TrimSpace(usage))
		return flag.ErrHelp
	}
	for _, s := range subs {
		if s.Name == args[0] {
			return s.Run(ctx, args[1:], stdout, stderr)
		}
	}
	return usagef("unknown subcommand %q", args[0])
}
