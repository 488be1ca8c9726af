# The x86 test driver's caller, with old-style FPO data (an FPO_DATA record in .debug$F, as MASM's .FPO directive
# writes it; lld-link puts it in the PDB's FPO stream): StackFpoAsm(driver_object, registry_path) saves two
# registers, keeps two dwords of locals and no EBP frame, and calls DriverEntry. clang-cl itself writes only new FPO
# records (frame data with programs) for C.
        .text
        .globl  _StackFpoAsm
        .def    _StackFpoAsm; .scl 2; .type 32; .endef
_StackFpoAsm:
        pushl   %ebx
        pushl   %esi
        subl    $8, %esp
        movl    20(%esp), %eax
        movl    %eax, (%esp)
        movl    24(%esp), %eax
        movl    %eax, 4(%esp)
        pushl   4(%esp)
        pushl   4(%esp)
        calll   _DriverEntry
        addl    $8, %esp
        addl    $8, %esp
        popl    %esi
        popl    %ebx
        retl
_StackFpoAsmEnd:

# FPO_DATA: ulOffStart (an RVA), cbProcSize, cdwLocals 2, cdwParams 2, then cbProlog 5 | cbRegs 2 << 8
# (fHasSEH 0, fUseBP 0, cbFrame 0: FRAME_FPO).
        .section .debug$F,"dr"
        .rva    _StackFpoAsm
        .long   _StackFpoAsmEnd - _StackFpoAsm
        .long   2
        .short  2
        .short  0x0205

        .section .drectve,"yn"
        .ascii " /EXPORT:StackFpoAsm=_StackFpoAsm"
