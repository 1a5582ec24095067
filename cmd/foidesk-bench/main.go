// Command foidesk-bench is the bare baseline of the benchmarks (scripts/bench/run.sh,
// docs/performance.md): a minimal gin server on the same database, with the same SQLite settings,
// answering the same queries as foidesk — a page of the queue read from the same indexes, an exact
// identifier, a term from the bigram index, a registration's JSON stored — without foidesk's
// layers (sessions, roles, validation, the workflow, events, letters, templates). The benchmark
// prints each foidesk figure with its ratio to this one, measured in the same run.
//
//	foidesk-bench --db FILE [--intake FILE] [--addr :9090]
package main

import (
	"cmp"
	"flag"
	"io"
	"log"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3"
)

const settings = "_busy_timeout=10000&_foreign_keys=on&_journal_mode=WAL&_synchronous=NORMAL"

func main() {
	dbPath := flag.String("db", "", "the foidesk database (SQLite) to read")
	intake := flag.String("intake", "/tmp/foidesk-bench-intake.db", "the SQLite file registrations are written to")
	addr := flag.String("addr", "127.0.0.1:9090", "listen address")
	flag.Parse()
	r, err := sqlx.Open("sqlite3", "file:"+*dbPath+"?mode=ro&"+settings)
	if err != nil {
		log.Fatal(err)
	}
	r.SetMaxOpenConns(4)
	w, err := sqlx.Open("sqlite3", "file:"+*intake+"?"+settings+"&_txlock=immediate")
	if err != nil {
		log.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	if _, err := w.Exec(`CREATE TABLE IF NOT EXISTS intake (id INTEGER PRIMARY KEY, body TEXT NOT NULL, created_at TIMESTAMP NOT NULL)`); err != nil {
		log.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	g := gin.New()
	g.GET("/list", func(c *gin.Context) { list(c, r) })
	g.GET("/search", func(c *gin.Context) { search(c, r) })
	g.POST("/register", func(c *gin.Context) {
		body, _ := io.ReadAll(c.Request.Body)
		tx, err := w.Beginx()
		if err != nil {
			c.Status(500)
			return
		}
		defer tx.Rollback()
		var id int64
		if err := tx.Get(&id, `INSERT INTO intake (body, created_at) VALUES (?, ?) RETURNING id`, string(body), time.Now().UTC()); err != nil || tx.Commit() != nil {
			c.Status(500)
			return
		}
		c.JSON(http.StatusCreated, gin.H{"id": id})
	})
	log.Printf("baseline on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, g))
}

type row struct {
	ID  int64   `db:"id" json:"id"`
	Key *string `db:"k" json:"-"`
}

type item struct {
	ID         int64   `db:"id" json:"id"`
	TrackingNo string  `db:"tracking_no" json:"tracking_no"`
	State      string  `db:"state" json:"state"`
	Name       string  `db:"applicant_name" json:"name"`
	Assignee   string  `db:"assignee" json:"assignee"`
	ReplyDue   *string `db:"reply_due" json:"reply_due"`
}

// list: a page of 50 by reply deadline for the states, read per state from (agency_id, state,
// reply_due, id) and merged — the plan foidesk's store uses.
func list(c *gin.Context, db *sqlx.DB) {
	states := strings.Split(c.DefaultQuery("state", "registered,awaiting_correction,in_progress,consulting,awaiting_fee,pending_approval"), ",")
	var parts []string
	var args []any
	for _, st := range states {
		q := "SELECT * FROM (SELECT id, reply_due AS k FROM cases WHERE agency_id = 1 AND state = ? AND reply_due IS NOT NULL"
		args = append(args, st)
		if a := c.Query("assignee"); a != "" {
			q += " AND assignee = ?"
			args = append(args, a)
		}
		if d := c.Query("overdue_before"); d != "" {
			q += " AND reply_due < ?"
			args = append(args, d)
		}
		parts = append(parts, q+" ORDER BY reply_due, id LIMIT 51) s")
	}
	var rows []row
	if err := db.Select(&rows, strings.Join(parts, " UNION ALL "), args...); err != nil {
		c.String(500, err.Error())
		return
	}
	slices.SortFunc(rows, func(a, b row) int {
		if c := cmp.Compare(*a.Key, *b.Key); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	page(c, db, rows, 50)
}

func page(c *gin.Context, db *sqlx.DB, rows []row, n int) {
	if len(rows) > n {
		rows = rows[:n]
	}
	items := []item{}
	if len(rows) > 0 {
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = strconv.FormatInt(r.ID, 10)
		}
		if err := db.Select(&items, "SELECT id, tracking_no, state, applicant_name, assignee, reply_due FROM cases WHERE id IN ("+strings.Join(ids, ",")+")"); err != nil {
			c.String(500, err.Error())
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// search: an exact identifier from its index, or a term's bigrams from case_terms.
func search(c *gin.Context, db *sqlx.DB) {
	q := c.Query("q")
	var rows []row
	var err error
	if strings.Trim(q, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
		err = db.Select(&rows, `SELECT id FROM cases WHERE tracking_no = ? UNION SELECT id FROM cases WHERE id_number = ? UNION SELECT id FROM cases WHERE phone_digits = ?`, q, q, q)
	} else {
		rs := []rune(q)
		var terms []string
		var args []any
		for i := 0; i+1 < len(rs); i++ {
			terms = append(terms, "EXISTS (SELECT 1 FROM case_terms t WHERE t.term = ? AND t.case_id = c.id)")
			args = append(args, int64(rs[i])<<21|int64(rs[i+1]))
		}
		err = db.Select(&rows, `SELECT c.id FROM cases c WHERE `+strings.Join(terms, " AND ")+` AND c.description LIKE ? ORDER BY c.id DESC LIMIT 50`, append(args, "%"+q+"%")...)
	}
	if err != nil {
		c.String(500, err.Error())
		return
	}
	page(c, db, rows, 50)
}
