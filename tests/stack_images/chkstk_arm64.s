// __chkstk for the ARM64 test driver (no C runtime): the test driver's allocations stay within one page.
        .text
        .globl  __chkstk
__chkstk:
        ret
