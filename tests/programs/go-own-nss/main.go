// os/user and net, plus a cgo package of the program's own that calls getaddrinfo and getpwnam
// itself: GNU ld names only the first caller of getaddrinfo, and no build tag removes the program's.
package main

import (
	"fmt"

	"example.com/ownnss/lookup"
)

func main() {
	smokeUserNet()
	if !lookup.User("root") {
		fail("lookup.User(root) through cgo: not found")
	} else {
		fmt.Println("lookup.User(root) through cgo: found")
	}
	if !lookup.Resolves("localhost") {
		fail("lookup.Resolves(localhost) through cgo: failed")
	} else {
		fmt.Println("lookup.Resolves(localhost) through cgo: ok")
	}
	finish()
}
