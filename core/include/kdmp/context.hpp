// The CONTEXT record of the crashing CPU, decoded per architecture (AMD64, ARM64, x86, ARM) into named registers.
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
  uint8_t bits;      // 16, 32 or 64 (ARM's d0-d31 are 64-bit registers)
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
  uint64_t instruction_pointer = 0;  // ARM: pc with the Thumb bit (bit 0) cleared
  uint64_t stack_pointer = 0;
  uint64_t frame_pointer = 0;        // rbp, fp (x29), ebp, r11

  std::optional<uint64_t> get(std::string_view name) const;  // case-insensitive
};

// The size of the machine's CONTEXT (0x4d0, 0x390, 0x2cc, 0x1a0), or nullopt for a machine without a layout.
std::optional<size_t> context_size(uint32_t machine);
// Decodes a CONTEXT of `machine` from its bytes (at least context_size(machine)), wherever they come from.
Result<Context> decode_context(std::span<const uint8_t> bytes, uint32_t machine);

// Decodes the header's context record for the dump's machine. An all-"PAGE" record is an error naming its offset.
Result<Context> parse_context(const DumpHeader& header);

}  // namespace kdmp
