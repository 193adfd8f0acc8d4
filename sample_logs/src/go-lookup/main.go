// Command cgowarnlookup looks up the users named on its command line (root by default) and
// localhost, as a program that runs on the target host would. Built statically against glibc, a
// lookup that the files source cannot answer makes glibc load the NSS modules that
// /etc/nsswitch.conf names, from the host.
package main

import (
	"fmt"
	"net"
	"os"
	"os/user"
)

func main() {
	names := os.Args[1:]
	if len(names) == 0 {
		names = []string{"root"}
	}
	for _, name := range names {
		u, err := user.Lookup(name)
		if err != nil {
			fmt.Printf("user %s: %v\n", name, err)
			continue
		}
		fmt.Printf("user %s: uid=%s home=%s\n", name, u.Uid, u.HomeDir)
	}
	addrs, err := net.LookupHost("localhost")
	fmt.Printf("localhost: %v %v\n", addrs, err)
}
