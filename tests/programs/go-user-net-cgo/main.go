// os/user and net, plus a cgo package of the program's own: cgo stays needed whatever the tags.
package main

import (
	"fmt"

	"example.com/usernetcgo/cadd"
)

func main() {
	smokeUserNet()
	if sum := cadd.Add(2, 3); sum != 5 {
		fail("cadd.Add(2, 3) = %d, want 5", sum)
	} else {
		fmt.Println("cadd.Add(2, 3) through cgo: 5")
	}
	finish()
}
