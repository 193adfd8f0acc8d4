# Hand-written assembly without a .note.GNU-stack section (so GNU ld 2.40
# warns that it implies an executable stack) and with a writable+executable
# section (so the output gets a LOAD segment with RWX permissions).
	.text
	.globl	asm_helper
	.type	asm_helper, @function
asm_helper:
	xorl	%eax, %eax
	ret
	.size	asm_helper, .-asm_helper

	.section .trampolines,"awx",@progbits
	.globl	asm_trampoline
asm_trampoline:
	.byte	0xc3
