// The os/user and net checks every Go test program runs; the test copies this file into each one.
package main

import (
	"fmt"
	"net"
	"os"
	"os/user"
	"strings"
)

var failures []string

func fail(format string, a ...interface{}) {
	failures = append(failures, fmt.Sprintf(format, a...))
}

func smokeUserNet() {
	u, err := user.Lookup("root")
	fmt.Printf("user.Lookup(root): %v err=%v\n", u, err)
	if err != nil || u.Uid != "0" {
		fail("root not found with uid 0")
	} else if gids, err := u.GroupIds(); err != nil || len(gids) == 0 {
		fail("root's groups: %v %v", gids, err)
	}
	_, err = user.Lookup("nosuchuser")
	fmt.Printf("user.Lookup(nosuchuser): err=%v\n", err)
	if _, ok := err.(user.UnknownUserError); !ok {
		fail("nosuchuser: want user.UnknownUserError, got %v", err)
	}
	if g, err := user.LookupGroup("root"); err != nil || g.Gid != "0" {
		fail("group root not found with gid 0: %v", err)
	}
	addrs, err := net.LookupHost("localhost")
	fmt.Printf("net.LookupHost(localhost): %v err=%v\n", addrs, err)
	loopback := false
	for _, a := range addrs {
		loopback = loopback || a == "127.0.0.1" || a == "::1"
	}
	if !loopback {
		fail("localhost did not resolve to a loopback address")
	}
}

func finish() {
	if len(failures) > 0 {
		fmt.Println("SMOKE FAIL:", strings.Join(failures, "; "))
		os.Exit(1)
	}
	fmt.Println("SMOKE PASS")
}
