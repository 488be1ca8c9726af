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

# The exception path: a general-protection fault's handler (a machine frame with an error code, as KiPageFault)
# calls KiExceptionDispatch, which allocates a KEXCEPTION_FRAME (0x140 bytes, its Return field being its own return
# address), saves the interrupted code's nonvolatile registers in it and then uses rbx as scratch. Its unwind data
# describes only the allocation: the saved registers are found the way the debugger finds them, in the
# KEXCEPTION_FRAME, beyond what the unwind data covers.
        .text
        .globl  KiExceptionDispatch
        .def    KiExceptionDispatch; .scl 2; .type 32; .endef
        .seh_proc KiExceptionDispatch
KiExceptionDispatch:
        subq    $0x138, %rsp
        .seh_stackalloc 0x138
        .seh_endprologue
        movq    %rbp, 0xf8(%rsp)
        movq    %rbx, 0x100(%rsp)
        movq    %rdi, 0x108(%rsp)
        movq    %rsi, 0x110(%rsp)
        movq    %r12, 0x118(%rsp)
        movq    %r13, 0x120(%rsp)
        movq    %r14, 0x128(%rsp)
        movq    %r15, 0x130(%rsp)
        movq    %rsp, %rbx
        movq    %rbx, %rdx
        movl    $0x1e, %ecx
        callq   KeBugCheckEx
        int3
        .seh_endproc

        .globl  KiGeneralProtectionFault
        .def    KiGeneralProtectionFault; .scl 2; .type 32; .endef
        .seh_proc KiGeneralProtectionFault
KiGeneralProtectionFault:
        .seh_pushframe @code
        subq    $0x160, %rsp
        .seh_stackalloc 0x160
        .seh_endprologue
        callq   KiExceptionDispatch
        int3
        .seh_endproc

# The interrupted code: its frame register is rbx (its body moves rsp, so only rbx finds the frame).
        .globl  KiFramedByRbx
        .def    KiFramedByRbx; .scl 2; .type 32; .endef
        .seh_proc KiFramedByRbx
KiFramedByRbx:
        pushq   %rbx
        .seh_pushreg %rbx
        movq    %rsp, %rbx
        .seh_setframe %rbx, 0
        .seh_endprologue
        subq    $0x40, %rsp
        movq    (%rcx), %rax
        movq    %rbx, %rsp
        popq    %rbx
        retq
        .seh_endproc

# KiFramedByRbx's caller, the thread's first function.
        .globl  KiCallFramed
        .def    KiCallFramed; .scl 2; .type 32; .endef
        .seh_proc KiCallFramed
KiCallFramed:
        subq    $0x28, %rsp
        .seh_stackalloc 0x28
        .seh_endprologue
        callq   KiFramedByRbx
        int3
        .seh_endproc

        .section .drectve,"yn"
        .ascii " /EXPORT:KiExceptionDispatch /EXPORT:KiGeneralProtectionFault /EXPORT:KiFramedByRbx"
        .ascii " /EXPORT:KiCallFramed"
