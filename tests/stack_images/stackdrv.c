// A test driver with a known call chain, DriverEntry -> StackMiddle -> StackLeaf, where StackLeaf reads through a
// pointer it is given (NULL in the fixture's crash). Every function keeps a real frame: locals that live across a
// call, and nonvolatile registers, so their prologues push and save registers and allocate stack, and the
// unwinder has to undo each step to find the caller. Exported so the fixture writer finds them by name.
#define EXPORT __declspec(dllexport) __declspec(noinline)

int _fltused;  // the compiler's marker for floating-point use; the C runtime would define it

EXPORT long long StackSink(volatile long long* p, long long v) { *p += v; return *p; }

EXPORT long long StackLeaf(volatile long long* p, long long a, long long b, long long c) {
  volatile long long local[8];
  for (int i = 0; i < 8; ++i) local[i] = a * i + b;
  long long x = StackSink(&local[1], c);
  long long y = StackSink(&local[2], x);
  return *p + x + y + local[3];  // p is NULL in the fixture: the fault
}

EXPORT long long StackMiddle(volatile long long* p, long long a, long long b) {
  volatile long long big[64];
  // A variable-sized allocation makes the function keep a frame pointer (UWOP_SET_FPREG).
  volatile char* scratch = (volatile char*)__builtin_alloca(16 + (b & 0x30));
  scratch[0] = (char)a;
  for (int i = 0; i < 64; ++i) big[i] = a ^ i ^ scratch[0];
  long long r1 = StackSink(&big[5], b);
  long long r2 = StackLeaf(p, a + r1, b - r1, big[7]);
  return r1 + r2 + big[9];
}

EXPORT long DriverEntry(void* driver_object, void* registry_path) {
  long long seed = (long long)driver_object;
  long long salt = (long long)registry_path;
  // A floating-point value live across the call keeps xmm6 saved in the frame (UWOP_SAVE_XMM128).
  double scale = (double)seed * 1.5;
  long long r = StackMiddle((volatile long long*)0, seed, salt);
  return (long)(r + seed * salt + (long long)(scale * (double)r));
}
