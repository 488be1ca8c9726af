// Page-table entries with named bits, so the walkers in paging_*.cpp read like the architecture manuals instead
// of sprinkling masks. Pte covers the x86 family (x64, x86 PAE and x86 non-PAE, whose 32-bit entries are
// zero-extended); Arm64Descriptor covers ARMv8 VMSA descriptors (4 KiB granule, 48-bit output addresses).
#pragma once
#include <cstdint>

namespace kdmp {

struct Pte {
  uint64_t raw = 0;

  constexpr explicit Pte(uint64_t value = 0) : raw(value) {}

  constexpr bool present() const { return raw & 1; }
  constexpr bool writable() const { return raw & (1ull << 1); }
  constexpr bool user() const { return raw & (1ull << 2); }
  constexpr bool large_page() const { return raw & (1ull << 7); }  // PS, in a PDPTE (x64) or a PDE
  constexpr bool prototype() const { return raw & (1ull << 10); }  // Windows software bit: points at a prototype PTE
  constexpr bool transition() const { return raw & (1ull << 11); }  // Windows software bit: page on a standby list
  constexpr bool nx() const { return raw >> 63; }  // always clear in 32-bit non-PAE entries

  // Windows MM_* protection of a not-present (software) PTE, bits 5..9; the low 3 bits are the base protection.
  constexpr uint32_t software_protection() const { return static_cast<uint32_t>(raw >> 5) & 0x1f; }

  // A not-present PTE that still names the frame holding the page (standby/modified list).
  constexpr bool is_transition() const { return !present() && transition() && !prototype(); }

  // Page frame number, bits 12..51 (a 32-bit entry has no bits above 31, so the same mask serves).
  constexpr uint64_t pfn() const { return (raw >> 12) & 0xff'ffff'ffffull; }
  // Physical address of the next table or of a 4 KiB page.
  constexpr uint64_t frame() const { return raw & 0x000f'ffff'ffff'f000ull; }
  // Physical base of a large page. Bit 12 is the PAT bit there, not an address bit; 32-bit non-PAE 4 MiB pages
  // keep bits 22..31 (bits 13..20 would be PSE-36 high address bits, which Windows does not use).
  constexpr uint64_t frame_1g() const { return raw & 0x000f'ffff'c000'0000ull; }
  constexpr uint64_t frame_2m() const { return raw & 0x000f'ffff'ffe0'0000ull; }
  constexpr uint64_t frame_4m() const { return raw & 0xffc0'0000ull; }
};

struct Arm64Descriptor {
  uint64_t raw = 0;

  constexpr explicit Arm64Descriptor(uint64_t value = 0) : raw(value) {}

  constexpr bool valid() const { return raw & 1; }
  // bits[1:0] = 0b11: a table (levels 0-2) or a page (level 3); 0b01: a block (levels 1 and 2).
  constexpr bool table_or_page() const { return (raw & 3) == 3; }
  constexpr bool block() const { return (raw & 3) == 1; }

  // Leaf (page and block) attributes.
  constexpr bool read_only() const { return raw & (1ull << 7); }  // AP[2]
  constexpr bool el0() const { return raw & (1ull << 6); }        // AP[1]: EL0 (user) may access
  constexpr bool pxn() const { return raw & (1ull << 53); }
  constexpr bool uxn() const { return raw & (1ull << 54); }

  // Table attributes, which restrict everything below the table.
  constexpr bool pxn_table() const { return raw & (1ull << 59); }
  constexpr bool uxn_table() const { return raw & (1ull << 60); }
  constexpr bool no_el0_table() const { return raw & (1ull << 61); }   // APTable[0]
  constexpr bool read_only_table() const { return raw & (1ull << 62); }  // APTable[1]

  // Output address bits 12..47: the next table or a 4 KiB page.
  constexpr uint64_t frame() const { return raw & 0x0000'ffff'ffff'f000ull; }
  constexpr uint64_t pfn() const { return frame() >> 12; }
  // Block output addresses; the low bits below the block size are attributes or RES0, never address.
  constexpr uint64_t frame_1g() const { return raw & 0x0000'ffff'c000'0000ull; }
  constexpr uint64_t frame_2m() const { return raw & 0x0000'ffff'ffe0'0000ull; }
};

}  // namespace kdmp
