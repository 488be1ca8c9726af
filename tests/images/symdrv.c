// A small "driver" that the tests build into a real .sys and .pdb (clang-cl + lld-link, x64 and ARM64), map into
// fixture dumps and symbolize. Functions are noinline and do different work so each keeps its own body; the tests
// look their addresses up with llvm-pdbutil-independent knowledge: the PDB itself (cross-checked) and the exports.
typedef unsigned long long u64;

static volatile u64 g_counter;

__declspec(noinline) static u64 SymHelperStatic(u64 x) {
  // A static function: a procedure record (S_LPROC32) in the module stream, no public symbol.
  for (u64 i = 0; i < (x & 7); ++i) g_counter += i * x;
  return g_counter ^ x;
}

__declspec(noinline) u64 SymFaultingFunction(u64* p, u64 n) {
  // The fault of the fixture dumps happens in here.
  u64 sum = 0;
  for (u64 i = 0; i < n; ++i) sum += p[i] * (i + 3);
  return sum + SymHelperStatic(sum);
}

__declspec(dllexport) __declspec(noinline) u64 SymExportedEntry(u64 a, u64 b) {
  return SymFaultingFunction((u64*)a, b) + 1;
}

__declspec(dllexport) __declspec(noinline) u64 SymSecondExport(u64 a) {
  u64 r = a;
  for (int i = 0; i < 5; ++i) r = r * 31 + SymHelperStatic(r);
  return r;
}

long DriverEntry(void* driver, void* registry) {
  return (long)SymExportedEntry((u64)driver, (u64)registry) + (long)SymSecondExport((u64)registry);
}
