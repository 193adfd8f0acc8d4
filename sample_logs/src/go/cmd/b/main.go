// Command b is a second main package (user and host lookups only), so that
// one go build command links two binaries.
package main

import (
	"fmt"
	"net"
	"os/user"
)

func main() {
	u, err := user.LookupId("0")
	fmt.Println(u, err)
	addrs, err := net.LookupHost("localhost")
	fmt.Println(addrs, err)
}
