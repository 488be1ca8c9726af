#include "kdmp/context.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "kdmp/le.hpp"

namespace kdmp {

namespace {

// AMD64 CONTEXT (0x4d0 bytes).
namespace amd64 {
constexpr size_t kSize = 0x4d0, kContextFlags = 0x30, kMxCsr = 0x34, kSegCs = 0x38, kSegDs = 0x3a, kSegEs = 0x3c,
                 kSegFs = 0x3e, kSegGs = 0x40, kSegSs = 0x42, kEFlags = 0x44, kDr0 = 0x48, kDr6 = 0x68, kDr7 = 0x70,
                 kRax = 0x78, kRip = 0xf8, kXmm0 = 0x1a0, kDebugControl = 0x4a8, kLastBranchToRip = 0x4b0,
                 kLastBranchFromRip = 0x4b8, kLastExceptionToRip = 0x4c0, kLastExceptionFromRip = 0x4c8;
// Rax through R15 in CONTEXT order.
constexpr const char* kGeneral[] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
}  // namespace amd64

// ARM64 CONTEXT (0x390 bytes).
namespace arm64 {
constexpr size_t kSize = 0x390, kContextFlags = 0x0, kCpsr = 0x4, kX0 = 0x8, kFp = 0xf0, kLr = 0xf8, kSp = 0x100,
                 kPc = 0x108, kV0 = 0x110, kFpcr = 0x310, kFpsr = 0x314;
}  // namespace arm64

// x86 CONTEXT (0x2cc bytes).
namespace x86 {
constexpr size_t kSize = 0x2cc, kContextFlags = 0x0, kDr0 = 0x4, kSegGs = 0x8c, kSegFs = 0x90, kSegEs = 0x94,
                 kSegDs = 0x98, kEdi = 0x9c, kEsi = 0xa0, kEbx = 0xa4, kEdx = 0xa8, kEcx = 0xac, kEax = 0xb0,
                 kEbp = 0xb4, kEip = 0xb8, kSegCs = 0xbc, kEFlags = 0xc0, kEsp = 0xc4, kSegSs = 0xc8,
                 kXmm0 = 0x16c;  // ExtendedRegisters (0xcc) + 0xa0
}  // namespace x86

// ARM (ARMNT) CONTEXT (0x1a0 bytes, winnt.h _ARM_CONTEXT): ContextFlags, R0-R12, Sp, Lr, Pc, Cpsr, Fpscr, a pad,
// the NEON bank as D0-D31, then the debug registers (Bvr, Bcr, Wvr, Wcr).
namespace arm {
constexpr size_t kSize = 0x1a0, kContextFlags = 0x0, kR0 = 0x4, kSp = 0x38, kLr = 0x3c, kPc = 0x40, kCpsr = 0x44,
                 kFpscr = 0x48, kD0 = 0x50;
constexpr uint32_t kCpsrThumb = 1u << 5;  // the T bit: Windows on ARM runs Thumb-2 only
}  // namespace arm

bool page_filled(std::span<const uint8_t> b) {
  for (size_t i = 0; i + 4 <= b.size(); i += 4) {
    if (le::u32(b, i) != kPageFill) return false;
  }
  return true;
}

void add(Context& c, std::string name, uint64_t value, uint8_t bits) {
  c.registers.push_back(Register{std::move(name), value, bits});
}

VectorRegister vector_at(std::string name, std::span<const uint8_t> b, size_t off) {
  VectorRegister v{std::move(name), {}};
  std::memcpy(v.bytes.data(), b.data() + off, 16);
  return v;
}

Context parse_amd64(std::span<const uint8_t> b) {
  using namespace amd64;
  Context c;
  c.machine = 0x8664;
  c.context_flags = le::u32(b, kContextFlags);
  for (size_t i = 0; i < 16; ++i) add(c, kGeneral[i], le::u64(b, kRax + 8 * i), 64);
  add(c, "rip", le::u64(b, kRip), 64);
  add(c, "rflags", le::u32(b, kEFlags), 32);
  add(c, "cs", le::u16(b, kSegCs), 16);
  add(c, "ds", le::u16(b, kSegDs), 16);
  add(c, "es", le::u16(b, kSegEs), 16);
  add(c, "fs", le::u16(b, kSegFs), 16);
  add(c, "gs", le::u16(b, kSegGs), 16);
  add(c, "ss", le::u16(b, kSegSs), 16);
  add(c, "mxcsr", le::u32(b, kMxCsr), 32);
  for (size_t i = 0; i < 4; ++i) add(c, "dr" + std::to_string(i), le::u64(b, kDr0 + 8 * i), 64);
  add(c, "dr6", le::u64(b, kDr6), 64);
  add(c, "dr7", le::u64(b, kDr7), 64);
  add(c, "debugcontrol", le::u64(b, kDebugControl), 64);
  add(c, "lastbranchtorip", le::u64(b, kLastBranchToRip), 64);
  add(c, "lastbranchfromrip", le::u64(b, kLastBranchFromRip), 64);
  add(c, "lastexceptiontorip", le::u64(b, kLastExceptionToRip), 64);
  add(c, "lastexceptionfromrip", le::u64(b, kLastExceptionFromRip), 64);
  for (size_t i = 0; i < 16; ++i) c.vectors.push_back(vector_at("xmm" + std::to_string(i), b, kXmm0 + 16 * i));
  c.instruction_pointer = le::u64(b, kRip);
  c.stack_pointer = le::u64(b, kRax + 8 * 4);
  c.frame_pointer = le::u64(b, kRax + 8 * 5);
  return c;
}

Context parse_arm64(std::span<const uint8_t> b) {
  using namespace arm64;
  Context c;
  c.machine = 0xAA64;
  c.context_flags = le::u32(b, kContextFlags);
  for (size_t i = 0; i <= 28; ++i) add(c, "x" + std::to_string(i), le::u64(b, kX0 + 8 * i), 64);
  add(c, "fp", le::u64(b, kFp), 64);
  add(c, "lr", le::u64(b, kLr), 64);
  add(c, "sp", le::u64(b, kSp), 64);
  add(c, "pc", le::u64(b, kPc), 64);
  add(c, "cpsr", le::u32(b, kCpsr), 32);
  add(c, "fpcr", le::u32(b, kFpcr), 32);
  add(c, "fpsr", le::u32(b, kFpsr), 32);
  for (size_t i = 0; i < 32; ++i) c.vectors.push_back(vector_at("v" + std::to_string(i), b, kV0 + 16 * i));
  c.instruction_pointer = le::u64(b, kPc);
  c.stack_pointer = le::u64(b, kSp);
  c.frame_pointer = le::u64(b, kFp);
  return c;
}

Context parse_x86(std::span<const uint8_t> b) {
  using namespace x86;
  Context c;
  c.machine = 0x14c;
  c.context_flags = le::u32(b, kContextFlags);
  const std::pair<const char*, size_t> general[] = {{"eax", kEax}, {"ebx", kEbx}, {"ecx", kEcx}, {"edx", kEdx},
                                                    {"esi", kEsi}, {"edi", kEdi}, {"eip", kEip}, {"esp", kEsp},
                                                    {"ebp", kEbp}};
  for (const auto& [name, off] : general) add(c, name, le::u32(b, off), 32);
  add(c, "eflags", le::u32(b, kEFlags), 32);
  const std::pair<const char*, size_t> segments[] = {{"cs", kSegCs}, {"ds", kSegDs}, {"es", kSegEs},
                                                     {"fs", kSegFs}, {"gs", kSegGs}, {"ss", kSegSs}};
  for (const auto& [name, off] : segments) add(c, name, le::u32(b, off) & 0xffff, 16);
  const char* debug[] = {"dr0", "dr1", "dr2", "dr3", "dr6", "dr7"};
  for (size_t i = 0; i < 6; ++i) add(c, debug[i], le::u32(b, kDr0 + 4 * i), 32);
  for (size_t i = 0; i < 8; ++i) c.vectors.push_back(vector_at("xmm" + std::to_string(i), b, kXmm0 + 16 * i));
  c.instruction_pointer = le::u32(b, kEip);
  c.stack_pointer = le::u32(b, kEsp);
  c.frame_pointer = le::u32(b, kEbp);
  return c;
}

Context parse_arm(std::span<const uint8_t> b) {
  using namespace arm;
  Context c;
  c.machine = 0x1c4;
  c.context_flags = le::u32(b, kContextFlags);
  for (size_t i = 0; i <= 12; ++i) add(c, "r" + std::to_string(i), le::u32(b, kR0 + 4 * i), 32);
  add(c, "sp", le::u32(b, kSp), 32);
  add(c, "lr", le::u32(b, kLr), 32);
  add(c, "pc", le::u32(b, kPc), 32);
  add(c, "cpsr", le::u32(b, kCpsr), 32);
  add(c, "fpscr", le::u32(b, kFpscr), 32);
  for (size_t i = 0; i < 32; ++i) add(c, "d" + std::to_string(i), le::u64(b, kD0 + 8 * i), 64);
  // In Thumb state (the T bit, or bit 0 of an interworking address) the instruction is at pc with bit 0 clear.
  const uint32_t pc = le::u32(b, kPc);
  const bool thumb = (le::u32(b, kCpsr) & kCpsrThumb) != 0 || (pc & 1) != 0;
  c.instruction_pointer = thumb ? pc & ~1u : pc;
  c.stack_pointer = le::u32(b, kSp);
  c.frame_pointer = le::u32(b, kR0 + 4 * 11);  // r11: Windows on ARM's frame pointer
  return c;
}

}  // namespace

std::optional<uint64_t> Context::get(std::string_view name) const {
  auto eq = [&](const std::string& n) {
    return n.size() == name.size() &&
           std::equal(n.begin(), n.end(), name.begin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                                  std::tolower(static_cast<unsigned char>(b)); });
  };
  for (const Register& r : registers) {
    if (eq(r.name)) return r.value;
  }
  return std::nullopt;
}

std::optional<size_t> context_size(uint32_t machine) {
  switch (machine) {
    case 0x8664: return amd64::kSize;
    case 0xAA64: return arm64::kSize;
    case 0x14c: return x86::kSize;
    case 0x1c4: return arm::kSize;
    default: return std::nullopt;
  }
}

Result<Context> decode_context(std::span<const uint8_t> b, uint32_t machine) {
  const auto size = context_size(machine);
  if (!size) return make_error(ErrorCode::Unsupported, "no CONTEXT layout for machine " + hex(machine));
  if (b.size() < *size) {
    return make_error(ErrorCode::InvalidArgument, "a CONTEXT of machine " + hex(machine) + " takes " + hex(*size) +
                                                      " bytes, not " + hex(b.size()));
  }
  switch (machine) {
    case 0xAA64: return parse_arm64(b);
    case 0x14c: return parse_x86(b);
    case 0x1c4: return parse_arm(b);
    default: return parse_amd64(b);
  }
}

Result<Context> parse_context(const DumpHeader& header) {
  const auto size = context_size(header.machine_image_type);
  if (!size) {
    return make_error(ErrorCode::Unsupported,
                      "no CONTEXT layout for machine " + hex(header.machine_image_type), header.context_offset);
  }
  if (!le::fits(header.raw, header.context_offset, *size)) {
    return make_error(ErrorCode::BadHeader, "the context record at " + hex(header.context_offset) +
                                                " does not fit in the header",
                      header.context_offset);
  }
  std::span<const uint8_t> b(header.raw.data() + header.context_offset, *size);
  if (page_filled(b.first(0x100))) {
    return make_error(ErrorCode::BadHeader,
                      "the context record at " + hex(header.context_offset) + " was never written (PAGE-filled)",
                      header.context_offset);
  }
  return decode_context(b, header.machine_image_type);
}

}  // namespace kdmp
