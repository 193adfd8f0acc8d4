// Package cadd adds two numbers in C.
package cadd

/*
static int cadd(int a, int b) { return a + b; }
*/
import "C"

// Add returns a + b, computed by C.
func Add(a, b int) int { return int(C.cadd(C.int(a), C.int(b))) }
