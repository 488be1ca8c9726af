#include "kdmp/unwind_x64.hpp"

#include <optional>
#include <vector>

#include "kdmp/le.hpp"

namespace kdmp {

namespace {

enum Op : uint8_t {
  kPushNonvol = 0,
  kAllocLarge = 1,
  kAllocSmall = 2,
  kSetFpreg = 3,
  kSaveNonvol = 4,
  kSaveNonvolFar = 5,
  kEpilog = 6,     // version 2 (version 1: UWOP_SAVE_XMM, 2 slots)
  kSpareCode = 7,  // version 2 (version 1: UWOP_SAVE_XMM_FAR, 3 slots)
  kSaveXmm128 = 8,
  kSaveXmm128Far = 9,
  kPushMachframe = 10,
};

// How many 16-bit slots an unwind code occupies.
unsigned slots_of(uint8_t op, uint8_t info) {
  switch (op) {
    case kAllocLarge: return info == 0 ? 2 : 3;
    case kSaveNonvol:
    case kEpilog:
    case kSaveXmm128: return 2;
    case kSaveNonvolFar:
    case kSpareCode:
    case kSaveXmm128Far: return 3;
    default: return 1;
  }
}

Result<uint64_t> read_u64(VirtualMemory& vm, uint64_t va) { return read_pointer(vm, va, 8); }

Error bad_info(const UnwindEntry& f, uint32_t info_rva, const std::string& why) {
  return make_error(ErrorCode::InvalidArgument,
                    "bad UNWIND_INFO at " + hex(f.image_base + info_rva) + ": " + why, f.image_base + info_rva);
}

// The epilogue that starts at the code, as the x64 calling convention allows it: `add rsp, imm` or `lea rsp,
// [frame register + disp]` (first only), then 8-byte pops, then `ret` (`rep ret`, `ret imm16`) or a `jmp` out of
// the function (rel8, rel32, or through a rip-relative pointer). Nothing when the code is not an epilogue.
struct Epilogue {
  enum class Start { None, Add, Lea } start = Start::None;
  uint32_t amount = 0;   // add: the immediate; lea: the displacement
  unsigned base = 0;     // lea: the base register
  std::vector<unsigned> pops;
};

std::optional<Epilogue> decode_epilogue(std::span<const uint8_t> code, uint64_t pc, uint64_t begin, uint64_t end,
                                        unsigned frame_register) {
  Epilogue e;
  size_t at = 0;
  auto byte = [&](size_t k) -> int { return at + k < code.size() ? code[at + k] : -1; };
  // add rsp, imm8 / imm32: REX.W 83 /0 ib, REX.W 81 /0 id with ModRM C4.
  if (byte(0) == 0x48 && (byte(1) == 0x83 || byte(1) == 0x81) && byte(2) == 0xc4) {
    const bool imm8 = byte(1) == 0x83;
    const size_t n = imm8 ? 4 : 7;
    if (at + n > code.size()) return std::nullopt;
    e.start = Epilogue::Start::Add;
    e.amount = imm8 ? static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(code[at + 3])))
                    : le::u32(code, at + 3);
    at += n;
  } else if ((byte(0) == 0x48 || byte(0) == 0x49) && byte(1) == 0x8d && byte(2) >= 0) {
    // lea rsp, [base + disp8/disp32]: REX.W (REX.B for r8-r15) 8D, ModRM reg=rsp (100), mod 01 or 10.
    const unsigned modrm = static_cast<unsigned>(byte(2)), mod = modrm >> 6, reg = (modrm >> 3) & 7;
    const unsigned base = (modrm & 7) | (byte(0) == 0x49 ? 8u : 0u);
    if (reg != 4 || (mod != 1 && mod != 2) || (modrm & 7) == 4 || frame_register == 0 || base != frame_register) {
      return std::nullopt;
    }
    const size_t n = mod == 1 ? 4 : 7;
    if (at + n > code.size()) return std::nullopt;
    e.start = Epilogue::Start::Lea;
    e.base = base;
    e.amount = mod == 1 ? static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(code[at + 3])))
                        : le::u32(code, at + 3);
    at += n;
  }
  for (unsigned pops = 0; pops < 16; ++pops) {  // pop r64: 58+r, or 41 58+r for r8-r15
    if (byte(0) >= 0x58 && byte(0) <= 0x5f) {
      e.pops.push_back(static_cast<unsigned>(byte(0) - 0x58));
      at += 1;
    } else if (byte(0) == 0x41 && byte(1) >= 0x58 && byte(1) <= 0x5f) {
      e.pops.push_back(static_cast<unsigned>(byte(1) - 0x58 + 8));
      at += 2;
    } else {
      break;
    }
  }
  const uint64_t here = pc + at;
  auto outside = [&](uint64_t target) { return target < begin || target >= end; };
  if (byte(0) == 0xc3 || (byte(0) == 0xf3 && byte(1) == 0xc3) || (byte(0) == 0xc2 && byte(2) >= 0)) return e;
  if (byte(0) == 0xe9 && at + 5 <= code.size() &&
      outside(here + 5 + static_cast<int64_t>(static_cast<int32_t>(le::u32(code, at + 1))))) {
    return e;
  }
  if (byte(0) == 0xeb && byte(1) >= 0 && outside(here + 2 + static_cast<int8_t>(byte(1)))) return e;
  if ((byte(0) == 0xff && byte(1) == 0x25) || (byte(0) == 0x48 && byte(1) == 0xff && byte(2) == 0x25)) return e;
  return std::nullopt;
}

}  // namespace

Result<std::optional<X64Registers>> simulate_x64_epilogue(UnwindSource& source, VirtualMemory& stack,
                                                          const UnwindEntry& f, const X64Registers& regs,
                                                          unsigned frame_register) {
  const uint64_t begin = f.image_base + f.begin_rva, end = f.image_base + f.end_rva;
  if (regs.rip < begin || regs.rip >= end) return std::optional<X64Registers>{};
  std::vector<uint8_t> code(static_cast<size_t>(std::min<uint64_t>(end - regs.rip, 64)));
  if (auto st = source.read_image(f.image_base, regs.rip - f.image_base, code); !st.ok()) return st.error();
  const std::optional<Epilogue> e = decode_epilogue(code, regs.rip, begin, end, frame_register);
  if (!e) return std::optional<X64Registers>{};
  X64Registers r = regs;
  if (e->start == Epilogue::Start::Add) r.rsp() += e->amount;
  if (e->start == Epilogue::Start::Lea) r.rsp() = r.gpr[e->base] + static_cast<int64_t>(static_cast<int32_t>(e->amount));
  for (unsigned reg : e->pops) {
    KDMP_TRY(v, read_u64(stack, r.rsp()));
    r.gpr[reg] = v;
    r.rsp() += 8;
  }
  KDMP_TRY(ret, read_u64(stack, r.rsp()));
  r.rip = ret;
  r.rsp() += 8;
  return std::optional<X64Registers>{r};
}

Result<X64UnwindResult> unwind_x64(UnwindSource& source, VirtualMemory& stack, const UnwindEntry& function,
                                   X64Registers& regs, bool pc_exact) {
  X64UnwindResult result;
  X64Registers r = regs;  // the caller's registers, written only on success
  UnwindEntry f = function;
  bool primary = true;
  for (unsigned depth = 0;; ++depth) {
    if (depth >= kMaxUnwindChain) return bad_info(f, f.unwind_data, "more than 32 chained entries");
    const uint32_t info_rva = f.unwind_data;
    std::array<uint8_t, 4> head{};
    if (auto st = source.read_image(f.image_base, info_rva, head); !st.ok()) return st.error();
    const uint8_t version = head[0] & 7, flags = head[0] >> 3, prolog_size = head[1], count = head[2];
    const uint8_t frame_register = head[3] & 0xf, frame_offset = head[3] >> 4;
    if (version != 1 && version != 2) return bad_info(f, info_rva, "version " + std::to_string(version));
    // The codes, and the chained RUNTIME_FUNCTION after them (the code array is padded to an even count).
    const size_t code_bytes = 2 * ((count + 1u) & ~1u);
    std::vector<uint8_t> codes(code_bytes + ((flags & kUnwFlagChainInfo) ? 12 : 0));
    if (!codes.empty()) {
      if (auto st = source.read_image(f.image_base, info_rva + 4, codes); !st.ok()) return st.error();
    }
    // Offset of the next instruction in the prologue, or "past it": codes whose instruction has not run yet are
    // skipped. Chained entries always apply whole (their prologue ran in the primary function).
    const uint64_t offset = r.rip - (f.image_base + f.begin_rva);
    const bool in_prolog = primary && pc_exact && offset < prolog_size;
    // Inside an epilogue the prologue's work is partly undone already: finish the epilogue instead, as
    // RtlVirtualUnwind does.
    if (primary && pc_exact && !in_prolog) {
      KDMP_TRY(done, simulate_x64_epilogue(source, stack, f, r, frame_register));
      if (done) {
        regs = *done;
        return X64UnwindResult{};
      }
    }
    // The establisher frame: rsp, or the frame register less its offset once UWOP_SET_FPREG's instruction ran.
    uint64_t frame = r.rsp();
    if (frame_register != 0) {
      bool established = true;
      if (in_prolog) {
        established = false;
        for (unsigned i = 0; i < count; i += slots_of(codes[2 * i + 1] & 0xf, codes[2 * i + 1] >> 4)) {
          if ((codes[2 * i + 1] & 0xf) == kSetFpreg && codes[2 * i] <= offset) established = true;
        }
      }
      if (established) frame = r.gpr[frame_register] - 16ull * frame_offset;
    }
    for (unsigned i = 0; i < count;) {
      const uint8_t code_offset = codes[2 * i], op = codes[2 * i + 1] & 0xf, info = codes[2 * i + 1] >> 4;
      const unsigned slots = slots_of(op, info);
      if (i + slots > count) return bad_info(f, info_rva, "an unwind code runs past CountOfCodes");
      const unsigned at = i;
      auto slot16 = [&](unsigned k) { return uint32_t{le::u16(codes, 2 * (at + k))}; };
      auto slot32 = [&](unsigned k) { return le::u32(codes, 2 * (at + k)); };
      const bool applies = !in_prolog || code_offset <= offset;
      i += slots;
      if (!applies) continue;
      switch (op) {
        case kPushNonvol: {
          KDMP_TRY(v, read_u64(stack, r.rsp()));
          r.gpr[info] = v;
          r.rsp() += 8;
          break;
        }
        case kAllocLarge: r.rsp() += info == 0 ? slot16(1) * 8ull : uint64_t{slot32(1)}; break;
        case kAllocSmall: r.rsp() += info * 8ull + 8; break;
        case kSetFpreg:
          if (frame_register == 0) return bad_info(f, info_rva, "UWOP_SET_FPREG without a frame register");
          r.rsp() = r.gpr[frame_register] - 16ull * frame_offset;
          break;
        case kSaveNonvol: {
          KDMP_TRY(v, read_u64(stack, frame + slot16(1) * 8ull));
          r.gpr[info] = v;
          break;
        }
        case kSaveNonvolFar: {
          KDMP_TRY(v, read_u64(stack, frame + slot32(1)));
          r.gpr[info] = v;
          break;
        }
        case kEpilog:
        case kSpareCode:
        case kSaveXmm128:
        case kSaveXmm128Far: break;  // XMM registers are not tracked; epilogue descriptions do not unwind
        case kPushMachframe: {
          // The processor pushed SS, RSP, EFLAGS, CS, RIP (and an error code when info is 1): the interrupted code.
          const uint64_t at = r.rsp() + (info ? 8 : 0);
          KDMP_TRY(rip, read_u64(stack, at));
          KDMP_TRY(rsp, read_u64(stack, at + 24));
          result.machine_frame = at;
          result.error_code = info != 0;
          r.rip = rip;
          r.rsp() = rsp;
          break;
        }
        default: return bad_info(f, info_rva, "unknown unwind code " + std::to_string(op));
      }
      // After a machine frame, the rest of the codes belong to the interrupted state no more.
      if (result.machine_frame != 0) break;
    }
    if (result.machine_frame != 0 || !(flags & kUnwFlagChainInfo)) break;
    UnwindEntry next = f;
    next.begin_rva = le::u32(codes, code_bytes);
    next.end_rva = le::u32(codes, code_bytes + 4);
    next.unwind_data = le::u32(codes, code_bytes + 8);
    f = next;
    primary = false;
  }
  if (result.machine_frame == 0) {
    KDMP_TRY(ret, read_u64(stack, r.rsp()));
    r.rip = ret;
    r.rsp() += 8;
  }
  regs = r;
  return result;
}

}  // namespace kdmp
