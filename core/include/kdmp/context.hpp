// The CONTEXT record of the crashing CPU, decoded per architecture (AMD64, ARM64, x86) into named registers.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kdmp/header.hpp"
#include "kdmp/result.hpp"

namespace kdmp {

struct Register {
  std::string name;  // lower case, as WinDbg's `r` shows it: "rax", "rip", "efl" is "rflags" here
  uint64_t value;
  uint8_t bits;      // 16, 32 or 64
};

struct VectorRegister {
  std::string name;  // "xmm0", "v0"
  std::array<uint8_t, 16> bytes;
};

struct Context {
  uint32_t machine = 0;
  uint32_t context_flags = 0;
  std::vector<Register> registers;       // general, segment, flags, debug registers in display order
  std::vector<VectorRegister> vectors;   // xmm0-15 / v0-31
  uint64_t instruction_pointer = 0;
  uint64_t stack_pointer = 0;
  uint64_t frame_pointer = 0;

  std::optional<uint64_t> get(std::string_view name) const;  // case-insensitive
};

// Decodes the header's context record for the dump's machine. An all-"PAGE" record is an error naming its offset.
Result<Context> parse_context(const DumpHeader& header);

// A CONTEXT record's size for a machine (0 when there is no layout), and one decoded from bytes (a record in memory,
// such as the one bug check 0x1000007E's fourth parameter points at).
size_t context_record_size(uint32_t machine);
Result<Context> parse_context_bytes(uint32_t machine, std::span<const uint8_t> bytes);

}  // namespace kdmp
