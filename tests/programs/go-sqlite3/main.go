// os/user and net, plus go-sqlite3.
package main

import (
	"database/sql"
	"fmt"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	smokeUserNet()
	db, err := sql.Open("sqlite3", ":memory:")
	var version string
	if err == nil {
		err = db.QueryRow("SELECT sqlite_version()").Scan(&version)
	}
	fmt.Printf("SELECT sqlite_version(): %q err=%v\n", version, err)
	if err != nil || version == "" {
		fail("sqlite: %v", err)
	}
	finish()
}
