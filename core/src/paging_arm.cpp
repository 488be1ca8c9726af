// 32-bit ARM (ARMv7-A VMSA, short-descriptor format) as Windows on ARM (ARMNT) uses it. DirectoryTableBase is the
// TTBR: a 16 KiB first-level table of 4096 descriptors (bits 14..31; the low bits are cacheability attributes), one
// per MiB of the 4 GiB address space; the whole space is walked from it (TTBCR.N = 0).
//   L1 descriptor, bits 1:0  00 fault; 01 page table (a 1 KiB L2 table at bits 10..31); 1x section (bit 0 is PXN):
//                            bit 18 clear: a 1 MiB section at bits 20..31; set: a 16 MiB supersection at bits 24..31
//                            (PA bits 32..39 in 20..23 and 5..8); XN bit 4, AP[1:0] bits 10..11, AP[2] bit 15.
//   L2 descriptor, bits 1:0  00 fault; 01 a 64 KiB large page at bits 16..31 (XN bit 15); 1x a 4 KiB small page at
//                            bits 12..31 (XN bit 0); AP[1:0] bits 4..5, AP[2] bit 9.
// Permissions follow the simplified model Windows uses (SCTLR.AFE): AP[2] set is read-only, AP[1] set allows user
// mode.
#include "kdmp/paging.hpp"
#include "paging_walk.hpp"

namespace kdmp {

using paging_detail::leaf;
using paging_detail::not_present;
using paging_detail::read_entry;

namespace {

constexpr paging_detail::Level kL1{"L1 descriptor", 1ull << 20, 1ull << 32};
constexpr paging_detail::Level kL2{"L2 descriptor", 1ull << 12, 1ull << 20};

constexpr uint64_t kPageSize64K = 0x10000;
constexpr uint64_t kPageSize1M = 0x100000;
constexpr uint64_t kPageSize16M = 0x1000000;

bool bit(uint64_t v, int n) { return (v >> n) & 1; }

}  // namespace

Result<Translation> translate_arm(PhysicalReader& phys, uint64_t ttbr, Gva va) {
  if (va.value >> 32) {
    return make_error(ErrorCode::InvalidArgument,
                      "va " + hex(va.value) + " is above the 4 GiB address space of 32-bit ARM", va.value);
  }
  const Gpa l1(ttbr & 0xffff'c000ull);
  const uint64_t l1_index = va.value >> 20;
  KDMP_TRY(d1, read_entry(phys, kL1, l1, l1_index, 4, va));
  const Gpa d1_gpa = l1 + l1_index * 4;
  switch (d1 & 3) {
    case 0: return not_present(kL1, d1_gpa, d1, va, "a fault entry");
    case 1: break;  // a page table
    default: {      // a section or supersection
      Translation t;
      if (bit(d1, 18)) {
        const uint64_t frame = (d1 & 0xff00'0000ull) | ((d1 >> 20) & 0xf) << 32 | ((d1 >> 5) & 0xf) << 36;
        t = leaf(frame, kPageSize16M, va, 1);
      } else {
        t = leaf(d1 & 0xfff0'0000ull, kPageSize1M, va, 1);
      }
      t.writable = !bit(d1, 15);
      t.user = bit(d1, 11);
      t.executable = !bit(d1, 4) && !bit(d1, 0);
      return t;
    }
  }
  const Gpa l2(d1 & 0xffff'fc00ull);
  const bool pxn = bit(d1, 2);
  const uint64_t l2_index = (va.value >> 12) & 0xff;
  KDMP_TRY(d2, read_entry(phys, kL2, l2, l2_index, 4, va));
  if ((d2 & 3) == 0) return not_present(kL2, l2 + l2_index * 4, d2, va, "a fault entry");
  Translation t;
  bool xn = false;
  if ((d2 & 3) == 1) {
    t = leaf(d2 & 0xffff'0000ull, kPageSize64K, va, 2);
    xn = bit(d2, 15);
  } else {
    t = leaf(d2 & 0xffff'f000ull, kPageSize, va, 2);
    xn = bit(d2, 0);
  }
  t.writable = !bit(d2, 9);
  t.user = bit(d2, 5);
  t.executable = !xn && !pxn;
  return t;
}

}  // namespace kdmp
