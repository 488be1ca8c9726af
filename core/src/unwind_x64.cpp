#include "kdmp/unwind_x64.hpp"

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

}  // namespace

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
