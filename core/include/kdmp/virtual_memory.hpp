// The seam between virtual-memory providers and what reads kernel structures (module lists, KDBG, stacks).
// Two providers: the page-table walker over physical memory (full, bitmap and RDMP dumps) and the saved regions of a
// triage dump (call stack, data blocks), which hold virtual memory without any page tables.
#pragma once
#include <array>
#include <span>

#include "kdmp/address.hpp"
#include "kdmp/le.hpp"
#include "kdmp/result.hpp"

namespace kdmp {

class VirtualMemory {
 public:
  virtual ~VirtualMemory() = default;
  // Reads exactly out.size() bytes at va (may cross pages), or fails saying which address could not be read and why
  // (NotPresent, PageTablePageMissing, PageNotInDump, FileEndsEarly, ...).
  virtual Status read_virtual_exact(Gva va, std::span<uint8_t> out) = 0;
  // Pointer width of the dumped machine's kernel: 8, or 4 for 32-bit dumps.
  virtual unsigned pointer_size() const = 0;
};

// Reads a pointer of the given size (4 or 8) at va, zero-extended.
inline Result<uint64_t> read_pointer(VirtualMemory& vm, uint64_t va, unsigned pointer_size) {
  std::array<uint8_t, 8> b{};
  auto st = vm.read_virtual_exact(Gva(va), std::span<uint8_t>(b.data(), pointer_size == 4 ? 4 : 8));
  if (!st.ok()) return st.error();
  return pointer_size == 4 ? uint64_t{le::u32(b, 0)} : le::u64(b, 0);
}

}  // namespace kdmp
