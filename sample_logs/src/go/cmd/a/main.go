// Command a uses cgo-backed os/user and net lookups and database/sql with
// github.com/mattn/go-sqlite3, so a static external link pulls in glibc NSS
// and dlopen.
package main

import (
	"database/sql"
	"fmt"
	"net"
	"os/user"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	u, err := user.Lookup("root")
	if err == nil {
		gids, _ := u.GroupIds()
		fmt.Println(u.Username, u.HomeDir, gids)
	}
	if g, err := user.LookupGroupId("0"); err == nil {
		fmt.Println("group", g.Name)
	}
	addrs, err := net.LookupHost("localhost")
	fmt.Println(addrs, err)

	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow("select sqlite_version()").Scan(&v); err != nil {
		panic(err)
	}
	fmt.Println("sqlite", v)
}
