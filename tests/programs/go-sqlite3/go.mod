module example.com/sqlite

go 1.19

require github.com/mattn/go-sqlite3 v1.14.16

// Offline: the copy Debian's golang-github-mattn-go-sqlite3-dev ships, which links the system
// libsqlite3.a.
replace github.com/mattn/go-sqlite3 => /usr/share/gocode/src/github.com/mattn/go-sqlite3
