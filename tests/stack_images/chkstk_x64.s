# __chkstk for the x64 test driver (no C runtime): the real one touches each page of a large allocation; the test
# driver's allocations stay within one page, so returning is enough. A leaf: it has no unwind data, as in Windows.
        .text
        .globl  __chkstk
__chkstk:
        retq
