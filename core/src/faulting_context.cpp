#include "kdmp/faulting_context.hpp"

#include <cstdio>
#include <vector>

#include "kdmp/le.hpp"

namespace kdmp {

namespace {

// x64 KTRAP_FRAME.
namespace trap64 {
constexpr size_t kSize = 0x190, kRax = 0x30, kRcx = 0x38, kRdx = 0x40, kR8 = 0x48, kR9 = 0x50, kR10 = 0x58,
                 kR11 = 0x60, kSegDs = 0x130, kSegEs = 0x132, kSegFs = 0x134, kSegGs = 0x136, kRbx = 0x140,
                 kRdi = 0x148, kRsi = 0x150, kRbp = 0x158, kRip = 0x168, kSegCs = 0x170, kEFlags = 0x178,
                 kRsp = 0x180, kSegSs = 0x188;
}  // namespace trap64

// x86 KTRAP_FRAME.
namespace trap32 {
constexpr size_t kSize = 0x8c, kSegGs = 0x30, kSegEs = 0x34, kSegDs = 0x38, kEdx = 0x3c, kEcx = 0x40, kEax = 0x44,
                 kSegFs = 0x50, kEdi = 0x54, kEsi = 0x58, kEbx = 0x5c, kEbp = 0x60, kEip = 0x68, kSegCs = 0x6c,
                 kEFlags = 0x70, kHardwareEsp = 0x74, kHardwareSegSs = 0x78;
}  // namespace trap32

std::string code_text(uint32_t code) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%X", static_cast<unsigned>(code));
  return buf;
}

void add(Context& c, const char* name, uint64_t value, uint8_t bits) { c.registers.push_back({name, value, bits}); }

Context trap_frame_x64(std::span<const uint8_t> b) {
  using namespace trap64;
  Context c;
  c.machine = 0x8664;
  const std::pair<const char*, size_t> general[] = {{"rax", kRax}, {"rcx", kRcx}, {"rdx", kRdx}, {"rbx", kRbx},
                                                    {"rsp", kRsp}, {"rbp", kRbp}, {"rsi", kRsi}, {"rdi", kRdi},
                                                    {"r8", kR8},   {"r9", kR9},   {"r10", kR10}, {"r11", kR11},
                                                    {"rip", kRip}};
  for (const auto& [name, off] : general) add(c, name, le::u64(b, off), 64);
  add(c, "rflags", le::u32(b, kEFlags), 32);
  const std::pair<const char*, size_t> segments[] = {{"cs", kSegCs}, {"ds", kSegDs}, {"es", kSegEs},
                                                     {"fs", kSegFs}, {"gs", kSegGs}, {"ss", kSegSs}};
  for (const auto& [name, off] : segments) add(c, name, le::u16(b, off), 16);
  c.instruction_pointer = le::u64(b, kRip);
  c.stack_pointer = le::u64(b, kRsp);
  c.frame_pointer = le::u64(b, kRbp);
  return c;
}

Context trap_frame_x86(std::span<const uint8_t> b, uint64_t address) {
  using namespace trap32;
  Context c;
  c.machine = 0x14c;
  const uint32_t cs = le::u32(b, kSegCs) & 0xffff;
  // A trap from kernel mode pushes no esp and ss: the interrupted stack pointer is where HardwareEsp would be.
  const bool from_user = (cs & 1) != 0;
  const uint64_t esp = from_user ? le::u32(b, kHardwareEsp) : (address + kHardwareEsp) & 0xffffffffu;
  const std::pair<const char*, size_t> general[] = {{"eax", kEax}, {"ebx", kEbx}, {"ecx", kEcx}, {"edx", kEdx},
                                                    {"esi", kEsi}, {"edi", kEdi}, {"eip", kEip}};
  for (const auto& [name, off] : general) add(c, name, le::u32(b, off), 32);
  add(c, "esp", esp, 32);
  add(c, "ebp", le::u32(b, kEbp), 32);
  add(c, "eflags", le::u32(b, kEFlags), 32);
  const std::pair<const char*, size_t> segments[] = {{"ds", kSegDs}, {"es", kSegEs}, {"fs", kSegFs}, {"gs", kSegGs}};
  add(c, "cs", cs, 16);
  for (const auto& [name, off] : segments) add(c, name, le::u32(b, off) & 0xffff, 16);
  if (from_user) add(c, "ss", le::u32(b, kHardwareSegSs) & 0xffff, 16);
  c.instruction_pointer = le::u32(b, kEip);
  c.stack_pointer = esp;
  c.frame_pointer = le::u32(b, kEbp);
  return c;
}

}  // namespace

std::optional<FaultRecordRule> fault_record_rule(uint32_t code) {
  switch (code) {
    case 0x7E:
    case 0x1000007E: return FaultRecordRule{4, FaultRecordKind::Context};
    case 0x3B: return FaultRecordRule{3, FaultRecordKind::Context};
    case 0x8E:
    case 0x1000008E: return FaultRecordRule{3, FaultRecordKind::TrapFrame};
    case 0x139: return FaultRecordRule{2, FaultRecordKind::TrapFrame};
    default: return std::nullopt;
  }
}

std::optional<size_t> trap_frame_size(uint32_t machine) {
  if (machine == 0x8664) return trap64::kSize;
  if (machine == 0x14c) return trap32::kSize;
  return std::nullopt;
}

std::optional<Context> decode_trap_frame(std::span<const uint8_t> bytes, uint32_t machine, uint64_t address) {
  const auto size = trap_frame_size(machine);
  if (!size || bytes.size() < *size) return std::nullopt;
  return machine == 0x8664 ? trap_frame_x64(bytes) : trap_frame_x86(bytes, address);
}

std::optional<FaultingContext> find_faulting_context(const DumpHeader& header, VirtualMemory* vm) {
  const auto rule = fault_record_rule(header.bugcheck_code);
  if (vm == nullptr || !rule) return std::nullopt;
  uint64_t address = header.bugcheck_parameters[rule->parameter - 1];
  if (!header.is64) address &= 0xffffffffu;
  if (address == 0) return std::nullopt;
  const uint32_t machine = header.machine_image_type;
  const bool is_context = rule->kind == FaultRecordKind::Context;
  const auto size = is_context ? context_size(machine) : trap_frame_size(machine);
  if (!size) return std::nullopt;
  std::vector<uint8_t> bytes(*size);
  if (!vm->read_virtual_exact(Gva(address), bytes).ok()) return std::nullopt;
  std::optional<Context> context;
  if (is_context) {
    if (auto c = decode_context(bytes, machine); c.ok()) context = std::move(c).value();
  } else {
    context = decode_trap_frame(bytes, machine, address);
  }
  if (!context || context->instruction_pointer == 0 || context->stack_pointer == 0) return std::nullopt;
  return FaultingContext{std::move(*context),
                         "bug check " + code_text(header.bugcheck_code) + " parameter " +
                             std::to_string(rule->parameter) + (is_context ? " (context record)" : " (trap frame)"),
                         address};
}

}  // namespace kdmp
