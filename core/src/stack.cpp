#include "kdmp/stack.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "kdmp/le.hpp"

namespace kdmp {

namespace {

constexpr size_t kMaxCallLength = 7;  // REX + FF + ModRM + SIB + disp32

// Length of an FF /2 (call near, indirect) instruction starting at b[0] = 0xFF, or 0 if it is not one.
size_t indirect_call_length(std::span<const uint8_t> b) {
  if (b.size() < 2 || b[0] != 0xff) return 0;
  const uint8_t modrm = b[1];
  const unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
  if (reg != 2) return 0;
  if (mod == 3) return 2;  // call reg
  size_t length = 2;
  if (rm == 4) {  // a SIB byte follows
    if (b.size() < 3) return 0;
    ++length;
    if (mod == 0 && (b[2] & 7) == 5) length += 4;  // no base: disp32
  } else if (mod == 0 && rm == 5) {
    length += 4;  // RIP-relative (x64) or absolute (x86) disp32
  }
  if (mod == 1) length += 1;
  if (mod == 2) length += 4;
  return length;
}

// ARM64 and ARM frame records: {previous fp, lr} (ps bytes each) at fp, each one higher on the stack than the last.
// Adds the addresses of the lr slots of the chain that starts at fp, within [low, high); the walk stops at the first
// record that breaks the rules.
void frame_record_lr_slots(VirtualMemory& vm, uint64_t fp, uint64_t low, uint64_t high, unsigned ps,
                           std::set<uint64_t>& slots) {
  constexpr size_t kMaxFrames = 256;
  for (size_t frames = 0; fp != 0 && fp % ps == 0 && fp >= low && fp < high && high - fp >= 2 * ps &&
                          frames < kMaxFrames;
       ++frames) {
    std::array<uint8_t, 16> record{};
    if (!vm.read_virtual_exact(Gva(fp), std::span<uint8_t>(record.data(), 2 * ps))) break;
    slots.insert(fp + ps);
    const uint64_t previous = ps == 4 ? uint64_t{le::u32(record, 0)} : le::u64(record, 0);
    if (previous <= fp) break;
    fp = previous;
  }
}

bool has_frame_records(uint32_t machine) { return machine == 0xAA64 || machine == 0x1c4; }

}  // namespace

bool ends_with_call_x86(std::span<const uint8_t> before, bool x64) {
  const size_t n = before.size();
  if (n >= 5 && before[n - 5] == 0xe8) return true;  // call rel32
  for (size_t length = 2; length <= std::min(n, kMaxCallLength); ++length) {
    auto insn = before.subspan(n - length);
    if (indirect_call_length(insn) == length) return true;
    // A REX prefix (41 FF D0 = call r8, 48 FF 15 = call [rip+x] as CFG-era compilers emit).
    if (x64 && (insn[0] & 0xf0) == 0x40 && indirect_call_length(insn.subspan(1)) == length - 1) return true;
  }
  return false;
}

bool is_call_arm64(uint32_t instruction) {
  const bool bl = (instruction & 0xfc000000u) == 0x94000000u;
  const bool blr = (instruction & 0xfffffc1fu) == 0xd63f0000u;
  return bl || blr;
}

bool ends_with_call_thumb(std::span<const uint8_t> before) {
  if (before.size() < 4) return false;
  const uint16_t first = le::u16(before, 0), second = le::u16(before, 2);
  const bool blx_register = (second & 0xff87) == 0x4780;
  const bool bl = (first & 0xf800) == 0xf000 && (second & 0xd000) == 0xd000;
  const bool blx_immediate = (first & 0xf800) == 0xf000 && (second & 0xd001) == 0xc000;
  return blx_register || bl || blx_immediate;
}

uint64_t code_address(uint64_t value, uint32_t machine) { return machine == 0x1c4 ? value & ~uint64_t{1} : value; }

bool follows_call(VirtualMemory& vm, uint64_t return_address, uint32_t machine) {
  if (machine == 0x1c4) {
    // A return into Thumb code has bit 0 set; the call ends at the address with it cleared.
    if ((return_address & 1) == 0 || return_address < 5) return false;
    std::array<uint8_t, 4> halfwords{};
    if (!vm.read_virtual_exact(Gva(return_address - 5), halfwords)) return false;
    return ends_with_call_thumb(halfwords);
  }
  if (machine == 0xAA64) {
    if (return_address < 4 || return_address % 4 != 0) return false;
    std::array<uint8_t, 4> word{};
    if (!vm.read_virtual_exact(Gva(return_address - 4), word)) return false;
    return is_call_arm64(le::u32(word, 0));
  }
  if (machine != 0x8664 && machine != 0x14c) return false;
  // Up to 7 bytes, but not from a page before the return address's own page when that one is unreadable.
  std::array<uint8_t, kMaxCallLength> buf{};
  size_t n = std::min<uint64_t>(kMaxCallLength, return_address);
  if (!vm.read_virtual_exact(Gva(return_address - n), std::span<uint8_t>(buf.data(), n))) {
    n = std::min<uint64_t>(n, return_address & (kPageSize - 1));
    if (n < 2 || !vm.read_virtual_exact(Gva(return_address - n), std::span<uint8_t>(buf.data(), n))) return false;
  }
  return ends_with_call_x86(std::span<const uint8_t>(buf.data(), n), machine == 0x8664);
}

StackScan scan_stack(VirtualMemory& vm, uint64_t stack_pointer, uint32_t machine, const std::vector<Module>& modules,
                     const StackScanOptions& options) {
  StackScan scan;
  scan.start = stack_pointer;
  scan.fault_stack_pointer = options.fault_stack_pointer;
  const unsigned ps = vm.pointer_size();
  std::vector<uint8_t> page;
  uint64_t va = stack_pointer;
  const uint64_t end = stack_pointer + std::min<uint64_t>(options.max_bytes, ~stack_pointer);
  std::set<uint64_t> lr_slots;
  if (has_frame_records(machine)) {
    for (uint64_t fp : options.frame_pointers) frame_record_lr_slots(vm, fp, stack_pointer, end, ps, lr_slots);
  }
  while (va < end && scan.entries.size() < options.max_entries) {
    // One page (or what is left of the budget) per read, so the scan stops exactly at the first unreadable page.
    const uint64_t chunk = std::min<uint64_t>(kPageSize - (va & (kPageSize - 1)), end - va);
    page.resize(chunk);
    auto st = vm.read_virtual_exact(Gva(va), page);
    if (!st) {
      if (scan.bytes_read == 0) {
        scan.warnings.push_back(Warning{"stack-unreadable", "the stack at " + hex(stack_pointer) +
                                                                " is unreadable: " + st.error().message});
      }
      break;
    }
    // Values are read at stack_pointer + k * ps; a value split across two pages is skipped.
    const uint64_t first = (ps - (va - stack_pointer) % ps) % ps;
    for (uint64_t off = first; off + ps <= chunk && scan.entries.size() < options.max_entries; off += ps) {
      const uint64_t value = ps == 4 ? uint64_t{le::u32(page, off)} : le::u64(page, off);
      const uint64_t code = code_address(value, machine);
      const Module* m = find_module(modules, code);
      if (m == nullptr) continue;
      StackEntry e;
      e.stack_address = va + off;
      e.value = value;
      e.module = m->name;
      e.module_base = m->base;
      e.offset = code - m->base;
      e.probable_return = lr_slots.count(e.stack_address) != 0 || follows_call(vm, value, machine);
      scan.entries.push_back(std::move(e));
    }
    scan.bytes_read += chunk;
    va += chunk;
  }
  return scan;
}

}  // namespace kdmp
