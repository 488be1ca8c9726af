# __chkstk for the x86 test driver (no C runtime). On x86 it also allocates: eax bytes come off the stack pointer
# the caller had before the call, and every register but eax is kept. The test driver's allocations stay within one
# page, so no page is probed.
        .text
        .globl  __chkstk
__chkstk:
        pushl   %ecx
        leal    8(%esp), %ecx
        subl    %eax, %ecx
        movl    %esp, %eax
        movl    %ecx, %esp
        movl    (%eax), %ecx
        movl    4(%eax), %eax
        jmpl    *%eax
