// Distinct types for the three address spaces, so a physical address cannot be passed where a virtual one belongs.
#pragma once
#include <compare>
#include <cstdint>

namespace kdmp {

template <class Tag>
struct Address {
  uint64_t value = 0;
  constexpr Address() = default;
  constexpr explicit Address(uint64_t v) : value(v) {}
  constexpr auto operator<=>(const Address&) const = default;
  constexpr Address operator+(uint64_t delta) const { return Address(value + delta); }
  constexpr uint64_t page_offset() const { return value & 0xfff; }
  constexpr uint64_t page_number() const { return value >> 12; }
  constexpr Address page_align() const { return Address(value & ~uint64_t{0xfff}); }
};

struct PhysicalTag {};
struct VirtualTag {};
struct FileTag {};
using Gpa = Address<PhysicalTag>;   // guest physical address
using Gva = Address<VirtualTag>;    // guest virtual address
using FileOffset = Address<FileTag>;

inline constexpr uint64_t kPageSize = 0x1000;

}  // namespace kdmp
