// A stand-in for the kernel image in the unwinder's fixtures: KeBugCheckEx with a real frame, called from the trap
// handler KiPageFault (ktrap.s). Exported so the fixture writer finds them by name.
#define EXPORT __declspec(dllexport) __declspec(noinline)

EXPORT void KeBugCheckEx(unsigned long code, unsigned long long p1, unsigned long long p2, unsigned long long p3,
                         unsigned long long p4) {
  volatile unsigned long long saved[6];
  saved[0] = code;
  saved[1] = p1;
  saved[2] = p2;
  saved[3] = p3;
  saved[4] = p4;
  for (;;) saved[5] = saved[0] + saved[1];
}

long NtEntry(void) { return 0; }
