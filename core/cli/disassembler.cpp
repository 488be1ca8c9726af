#include "disassembler.hpp"

#include <capstone/capstone.h>

namespace kdmp::cli {

namespace {

// Decodes code from `start`; the instructions, or empty when Capstone cannot be opened for the machine.
std::vector<Instruction> decode(uint32_t machine, uint64_t address, std::span<const uint8_t> code) {
  cs_arch arch = CS_ARCH_X86;
  cs_mode mode = CS_MODE_64;
  switch (machine) {
    case 0x8664: break;
    case 0x14c: mode = CS_MODE_32; break;
    case 0xAA64: arch = CS_ARCH_ARM64, mode = CS_MODE_ARM; break;
    case 0x1c4: arch = CS_ARCH_ARM, mode = CS_MODE_THUMB; break;
    default: return {};
  }
  csh handle = 0;
  if (cs_open(arch, mode, &handle) != CS_ERR_OK) return {};
  cs_insn* insn = nullptr;
  const size_t count = cs_disasm(handle, code.data(), code.size(), address, 0, &insn);
  std::vector<Instruction> out;
  for (size_t i = 0; i < count; ++i) {
    Instruction x;
    x.address = insn[i].address;
    x.bytes.assign(insn[i].bytes, insn[i].bytes + insn[i].size);
    x.text = insn[i].mnemonic;
    if (insn[i].op_str[0] != 0) x.text += std::string(" ") + insn[i].op_str;
    out.push_back(std::move(x));
  }
  if (count > 0) cs_free(insn, count);
  cs_close(&handle);
  return out;
}

}  // namespace

std::vector<Instruction> disassemble_around(uint32_t machine, uint64_t address, std::span<const uint8_t> code,
                                            uint64_t target, size_t before, size_t after) {
  if (target < address || target - address >= code.size()) return {};
  const bool variable = machine == 0x8664 || machine == 0x14c;
  const uint64_t step = variable ? 1 : (machine == 0x1c4 ? 2 : 4);
  std::vector<Instruction> best;
  for (uint64_t start = address + (target - address) % step; start <= target; start += step) {
    auto all = decode(machine, start, code.subspan(start - address));
    size_t at = 0;
    while (at < all.size() && all[at].address < target) ++at;
    if (at < all.size() && all[at].address == target) {
      best = std::move(all);
      break;
    }
  }
  size_t at = 0;
  while (at < best.size() && best[at].address != target) ++at;
  if (at == best.size()) return {};
  const size_t first = at > before ? at - before : 0;
  const size_t last = std::min(best.size(), at + after);
  return {best.begin() + first, best.begin() + last};
}

}  // namespace kdmp::cli
