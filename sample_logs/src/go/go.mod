module example.com/cgowarnsample

go 1.19

require github.com/mattn/go-sqlite3 v1.14.16

// No network: use the copy shipped by Debian's golang-github-mattn-go-sqlite3-dev.
replace github.com/mattn/go-sqlite3 => /usr/share/gocode/src/github.com/mattn/go-sqlite3
