# KiPageFault as Windows builds it: the processor pushed a machine frame with an error code, the handler makes room
# for the rest of its KTRAP_FRAME (0x190 bytes in all; ErrorCode at 0x160, so 0x160 bytes below it), then calls on.
# Its unwind info says so with UWOP_PUSH_MACHFRAME 1, which is how an unwinder crosses into the interrupted code.
        .text
        .globl  KiPageFault
        .def    KiPageFault; .scl 2; .type 32; .endef
        .seh_proc KiPageFault
KiPageFault:
        .seh_pushframe @code
        subq    $0x160, %rsp
        .seh_stackalloc 0x160
        .seh_endprologue
        movl    $0x50, %ecx
        callq   KeBugCheckEx
        int3
        .seh_endproc

        .section .drectve,"yn"
        .ascii " /EXPORT:KiPageFault"
