// Shared by the physical-memory tests: opening fixture bytes, reading the pattern back.
#pragma once
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "catalog.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/le.hpp"

namespace kdmp::testing {

// The Dump owns a copy of the bytes, so the caller's vector may go away.
class OwnedSource final : public ByteSource {
 public:
  explicit OwnedSource(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)), mem_(bytes_) {}
  uint64_t size() const override { return mem_.size(); }
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override { return mem_.read(offset, out); }

 private:
  std::vector<uint8_t> bytes_;
  MemorySource mem_;
};

inline Result<Dump> open_bytes(std::vector<uint8_t> bytes) {
  return Dump::open(std::make_unique<OwnedSource>(std::move(bytes)));
}
inline Result<Dump> open_spec(const fixtures::DumpSpec& spec) { return open_bytes(fixtures::build_dump(spec)); }
inline Result<Dump> open_fixture(const std::string& name) { return open_bytes(fixtures::fixture_bytes(name)); }

inline std::optional<uint64_t> file_offset_of_page(const Dump& dump, uint64_t pfn) {
  auto off = dump.physical_to_file(Gpa(pfn << 12));
  if (!off) return std::nullopt;
  return off->value;
}

// The u64 at gpa, or ~0 when it cannot be read.
inline uint64_t u64_at(Dump& dump, uint64_t gpa) {
  uint8_t b[8];
  if (!dump.read_physical_exact(Gpa(gpa), b).ok()) return ~uint64_t{0};
  return le::u64(b, 0);
}

// True when every 8-aligned u64 in bytes read at gpa holds its own physical address (the fixtures' pattern).
inline bool holds_pattern(std::span<const uint8_t> bytes, uint64_t gpa) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    const uint64_t a = gpa + i;
    const uint64_t word = a & ~uint64_t{7};
    if (bytes[i] != static_cast<uint8_t>(word >> (8 * (a & 7)))) return false;
  }
  return true;
}

inline bool has_warning(const Dump& dump, const std::string& code) {
  const auto& w = dump.warnings();
  return std::any_of(w.begin(), w.end(), [&](const Warning& x) { return x.code == code; });
}

inline std::string warning_text(const Dump& dump, const std::string& code) {
  for (const Warning& w : dump.warnings()) {
    if (w.code == code) return w.message;
  }
  return {};
}

}  // namespace kdmp::testing
