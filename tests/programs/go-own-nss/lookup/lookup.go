// Package lookup calls glibc's NSS and DNS functions itself, through cgo.
package lookup

/*
#include <netdb.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/types.h>
*/
import "C"
import "unsafe"

// User reports whether getpwnam finds the user.
func User(name string) bool {
	c := C.CString(name)
	defer C.free(unsafe.Pointer(c))
	return C.getpwnam(c) != nil
}

// Resolves reports whether getaddrinfo resolves the host.
func Resolves(host string) bool {
	c := C.CString(host)
	defer C.free(unsafe.Pointer(c))
	var res *C.struct_addrinfo
	if C.getaddrinfo(c, nil, nil, &res) != 0 {
		return false
	}
	C.freeaddrinfo(res)
	return true
}
