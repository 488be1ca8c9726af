// An ARM64 exception handler as Windows builds them: the exception vector left a KTRAP_FRAME (0x150 bytes) at the
// stack pointer, the handler makes room for its own locals and calls on. Its unwind data says so with
// MSFT_OP_TRAP_FRAME (.seh_trap_frame), which is how an unwinder crosses into the interrupted code.
        .text
        .globl  KiDataAbort
        .p2align 2
        .seh_proc KiDataAbort
KiDataAbort:
        .seh_trap_frame
        sub     sp, sp, #0x20
        .seh_stackalloc 0x20
        .seh_endprologue
        mov     w0, #0x50
        bl      KeBugCheckEx
        brk     #0xf000
        .seh_endproc

        .section .drectve,"yn"
        .ascii " /EXPORT:KiDataAbort"
