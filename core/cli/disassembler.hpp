// The CLI's disassembler: Debian's Capstone (libcapstone-dev, BSD-3), for the faulting instruction and the
// instructions around it in --analyze. CLI only: the core decodes no instructions.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kdmp::cli {

struct Instruction {
  uint64_t address = 0;
  std::vector<uint8_t> bytes;
  std::string text;  // "mov rcx, qword ptr [rsi]"
};

// Instructions of `machine` (0x8664, 0x14c, 0xAA64, 0x1c4 as Thumb-2) around `target` in code that starts at
// `address`: up to `before` instructions ending right before target and `after` from target on. x86 code is
// decoded from the earliest start that lands exactly on target. Empty when target cannot be decoded.
std::vector<Instruction> disassemble_around(uint32_t machine, uint64_t address, std::span<const uint8_t> code,
                                            uint64_t target, size_t before = 4, size_t after = 4);

}  // namespace kdmp::cli
