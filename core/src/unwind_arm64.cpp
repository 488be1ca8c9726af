#include "kdmp/unwind_arm64.hpp"

#include "kdmp/le.hpp"

namespace kdmp {

namespace {

constexpr uint8_t kEnd = 0xe4, kEndC = 0xe5, kNop = 0xe3;
constexpr size_t kMaxCodeBytes = 31 * 4 + 0xff * 4;  // Code Words (5 bits, or 8 in the extension word) x 4

// Bytes taken by the unwind code that starts with b.
unsigned code_size(uint8_t b) {
  if (b < 0xc0) return 1;
  if (b < 0xe0) return 2;
  if (b == 0xe0) return 4;
  if (b == 0xe2) return 2;
  if (b == 0xe7) return 3;
  return 1;
}

// Whether the code stands for a prologue instruction (end and end_c do not).
bool is_instruction(uint8_t b) { return b != kEnd && b != kEndC; }

void push_alloc(std::vector<uint8_t>& out, uint32_t bytes) {
  const uint32_t units = bytes / 16;
  if (units == 0) return;
  if (units < 0x20) {
    out.push_back(static_cast<uint8_t>(units));  // alloc_s
  } else if (units < 0x800) {
    out.push_back(static_cast<uint8_t>(0xc0 | (units >> 8)));  // alloc_m
    out.push_back(static_cast<uint8_t>(units));
  } else {
    out.insert(out.end(), {0xe0, static_cast<uint8_t>(units >> 16), static_cast<uint8_t>(units >> 8),
                           static_cast<uint8_t>(units)});  // alloc_l
  }
}

// Two-byte codes of the 11xxxxxx form: prefix bits, a register field X and an offset field Z.
void push2(std::vector<uint8_t>& out, uint16_t word) {
  out.push_back(static_cast<uint8_t>(word >> 8));
  out.push_back(static_cast<uint8_t>(word));
}
void save_regp(std::vector<uint8_t>& out, unsigned x, unsigned z) { push2(out, 0xc800 | (x << 6) | z); }
void save_regp_x(std::vector<uint8_t>& out, unsigned x, unsigned z) { push2(out, 0xcc00 | (x << 6) | z); }
void save_reg(std::vector<uint8_t>& out, unsigned x, unsigned z) { push2(out, 0xd000 | (x << 6) | z); }
void save_reg_x(std::vector<uint8_t>& out, unsigned x, unsigned z) { push2(out, 0xd400 | (x << 5) | z); }
void save_lrpair(std::vector<uint8_t>& out, unsigned x, unsigned z) { push2(out, 0xd600 | (x << 6) | z); }
void save_fregp(std::vector<uint8_t>& out, unsigned x, unsigned z) { push2(out, 0xd800 | (x << 6) | z); }
void save_fregp_x(std::vector<uint8_t>& out, unsigned x, unsigned z) { push2(out, 0xda00 | (x << 6) | z); }
void save_freg(std::vector<uint8_t>& out, unsigned x, unsigned z) { push2(out, 0xdc00 | (x << 6) | z); }

Result<uint64_t> read_u64(VirtualMemory& vm, uint64_t va) { return read_pointer(vm, va, 8); }

Error bad(const UnwindEntry& f, const std::string& why) {
  return make_error(ErrorCode::InvalidArgument,
                    "bad ARM64 unwind data for the function at " + hex(f.image_base + f.begin_rva) + ": " + why,
                    f.image_base + f.begin_rva);
}

// ARM64_KTRAP_FRAME (0x150 bytes; the layout .NET's ARM64 unwinder declares with FIELD_OFFSET comments): Spsr u32
// 0x90, Esr u32 0x94, Sp 0x98, X0..X18 0xa0, Lr 0x138, Fp 0x140, Pc 0x148.
constexpr size_t kTrapFrameSize = 0x150, kTrapSp = 0x98, kTrapX = 0xa0, kTrapLr = 0x138, kTrapFp = 0x140,
                 kTrapPc = 0x148;

// Applies codes[start..] up to `end` (or the end of the array) to r. Returns the machine-frame address, or 0;
// `trap` says it was a KTRAP_FRAME.
Result<uint64_t> run_codes(VirtualMemory& stack, const UnwindEntry& f, std::span<const uint8_t> codes,
                           size_t start, Arm64Registers& r, bool& trap) {
  unsigned save_next = 0;  // pending save_next codes: the following register-pair save covers that many more pairs
  // Restores `pairs` register pairs starting at register `first` (integer registers only; FP ones are not tracked)
  // from `at`, 16 bytes apart.
  auto restore_pairs = [&](unsigned first, uint64_t at, unsigned pairs, bool integer) -> Status {
    for (unsigned k = 0; k < pairs; ++k) {
      if (!integer) continue;
      for (unsigned j = 0; j < 2; ++j) {
        const unsigned reg = first + 2 * k + j;
        if (reg > 30) return bad(f, "save_next runs past lr");
        KDMP_TRY(v, read_u64(stack, at + 16 * k + 8 * j));
        r.x[reg] = v;
      }
    }
    return Ok{};
  };
  for (size_t i = start; i < codes.size();) {
    const uint8_t b = codes[i];
    const unsigned size = code_size(b);
    if (i + size > codes.size()) return bad(f, "an unwind code runs past the code words");
    const uint16_t w = size >= 2 ? static_cast<uint16_t>((b << 8) | codes[i + 1]) : b;
    i += size;
    if (b == kEnd || b == kEndC) break;
    const unsigned pairs = 1 + save_next;
    if (b < 0x20) {  // alloc_s
      r.sp += (b & 0x1f) * 16ull;
    } else if (b < 0x40) {  // save_r19r20_x: stp x19, x20, [sp, #-Z*8]!
      if (auto st = restore_pairs(19, r.sp, pairs, true); !st.ok()) return st.error();
      r.sp += (b & 0x1f) * 8ull;
      save_next = 0;
    } else if (b < 0x80) {  // save_fplr: stp fp, lr, [sp, #Z*8]
      const uint64_t at = r.sp + (b & 0x3f) * 8ull;
      KDMP_TRY(fp, read_u64(stack, at));
      KDMP_TRY(lr, read_u64(stack, at + 8));
      r.x[29] = fp;
      r.x[30] = lr;
    } else if (b < 0xc0) {  // save_fplr_x: stp fp, lr, [sp, #-(Z+1)*8]!
      KDMP_TRY(fp, read_u64(stack, r.sp));
      KDMP_TRY(lr, read_u64(stack, r.sp + 8));
      r.x[29] = fp;
      r.x[30] = lr;
      r.sp += ((b & 0x3f) + 1) * 8ull;
    } else if (b < 0xc8) {  // alloc_m
      r.sp += (w & 0x7ff) * 16ull;
    } else if (b < 0xd0) {  // save_regp / save_regp_x
      const unsigned x = (w >> 6) & 0xf, z = w & 0x3f;
      const bool writeback = (b & 0xfc) == 0xcc;
      const uint64_t at = writeback ? r.sp : r.sp + z * 8ull;
      if (auto st = restore_pairs(19 + x, at, pairs, true); !st.ok()) return st.error();
      if (writeback) r.sp += (z + 1) * 8ull;
      save_next = 0;
    } else if (b < 0xd4) {  // save_reg: str x(19+X), [sp, #Z*8]
      const unsigned x = (w >> 6) & 0xf, z = w & 0x3f;
      if (19 + x > 30) return bad(f, "save_reg of a register past lr");
      KDMP_TRY(v, read_u64(stack, r.sp + z * 8ull));
      r.x[19 + x] = v;
    } else if (b < 0xd6) {  // save_reg_x: str x(19+X), [sp, #-(Z+1)*8]!
      const unsigned x = (w >> 5) & 0xf, z = w & 0x1f;
      if (19 + x > 30) return bad(f, "save_reg_x of a register past lr");
      KDMP_TRY(v, read_u64(stack, r.sp));
      r.x[19 + x] = v;
      r.sp += (z + 1) * 8ull;
    } else if (b < 0xd8) {  // save_lrpair: stp x(19+2X), lr, [sp, #Z*8]
      const unsigned x = (w >> 6) & 0x7, z = w & 0x3f;
      const uint64_t at = r.sp + z * 8ull;
      KDMP_TRY(v, read_u64(stack, at));
      KDMP_TRY(lr, read_u64(stack, at + 8));
      r.x[19 + 2 * x] = v;
      r.x[30] = lr;
    } else if (b < 0xda) {  // save_fregp
      save_next = 0;
    } else if (b < 0xdc) {  // save_fregp_x
      r.sp += ((w & 0x3f) + 1) * 8ull;
      save_next = 0;
    } else if (b < 0xde) {  // save_freg
    } else if (b == 0xde) {  // save_freg_x
      r.sp += ((w & 0x1f) + 1) * 8ull;
    } else if (b == 0xdf) {  // alloc_z (SVE): the scale needs the vector length
      return bad(f, "alloc_z (SVE) is not supported");
    } else if (b == 0xe0) {  // alloc_l
      r.sp += ((uint64_t{codes[i - 3]} << 16) | (uint64_t{codes[i - 2]} << 8) | codes[i - 1]) * 16;
    } else if (b == 0xe1) {  // set_fp: mov fp, sp
      r.sp = r.x[29];
    } else if (b == 0xe2) {  // add_fp: add fp, sp, #x*8
      r.sp = r.x[29] - (w & 0xff) * 8ull;
    } else if (b == kNop) {
    } else if (b == 0xe6) {  // save_next
      ++save_next;
    } else if (b == 0xe7) {  // save_any_reg: not emitted for kernel code we read; refuse rather than guess
      return bad(f, "save_any_reg is not supported");
    } else if (b == 0xe8) {  // MSFT_OP_TRAP_FRAME: a KTRAP_FRAME at sp holds the interrupted x0-x17, sp, lr, fp, pc
      const uint64_t at = r.sp;
      std::array<uint8_t, kTrapFrameSize> t{};
      if (auto st = stack.read_virtual_exact(Gva(at), t); !st.ok()) return st.error();
      for (unsigned k = 0; k < 18; ++k) r.x[k] = le::u64(t, kTrapX + 8 * k);
      r.sp = le::u64(t, kTrapSp);
      r.x[30] = le::u64(t, kTrapLr);
      r.x[29] = le::u64(t, kTrapFp);
      r.pc = arm64_strip_pac(le::u64(t, kTrapPc));
      trap = true;
      return at;
    } else if (b == 0xe9) {  // MSFT_OP_MACHINE_FRAME: {sp, pc} at sp
      const uint64_t at = r.sp;
      KDMP_TRY(sp, read_u64(stack, at));
      KDMP_TRY(pc, read_u64(stack, at + 8));
      r.sp = sp;
      r.pc = pc;
      return at;
    } else if (b == 0xea) {  // MSFT_OP_CONTEXT: an ARM64 CONTEXT at sp (X0 @8, Fp @0xf0, Lr @0xf8, Sp @0x100, Pc @0x108)
      const uint64_t at = r.sp;
      std::array<uint8_t, 0x110> c{};
      if (auto st = stack.read_virtual_exact(Gva(at), c); !st.ok()) return st.error();
      for (unsigned k = 0; k < 31; ++k) r.x[k] = le::u64(c, 8 + 8 * k);
      r.sp = le::u64(c, 0x100);
      r.pc = le::u64(c, 0x108);
      return at;
    } else if (b == 0xfc) {  // pac_sign_lr: the saved lr is signed
    } else if (b == 0xec) {  // MSFT_OP_CLEAR_UNWOUND_TO_CALL
    } else {
      return bad(f, "unknown or unsupported unwind code " + hex(b));
    }
  }
  return uint64_t{0};
}

}  // namespace

uint64_t arm64_strip_pac(uint64_t address) {
  constexpr uint64_t kHigh = 0xffff000000000000ull;
  return (address >> 55) & 1 ? address | kHigh : address & ~kHigh;
}

Result<std::vector<uint8_t>> arm64_packed_codes(uint32_t packed) {
  const unsigned reg_f = (packed >> 13) & 7, reg_i = (packed >> 16) & 0xf, h = (packed >> 20) & 1,
                 cr = (packed >> 21) & 3, frame_size = ((packed >> 23) & 0x1ff) * 16;
  // Sizes of the save areas, as the documentation's canonical prologue defines them.
  const unsigned int_size = 8 * reg_i + (cr == 1 ? 8 : 0);
  const unsigned fp_regs = reg_f ? reg_f + 1 : 0;
  const unsigned fp_size = 8 * fp_regs;
  const unsigned save_size = (int_size + fp_size + 64 * h + 0xf) & ~0xfu;
  if (frame_size < save_size) return make_error(ErrorCode::InvalidArgument, "packed FrameSize below its save area");
  const unsigned local_size = frame_size - save_size;
  if (cr == 1 && reg_i == 1) return make_error(ErrorCode::InvalidArgument, "packed CR=1 with RegI=1 is undefined");
  std::vector<uint8_t> out;  // unwind order: the last prologue instruction first
  if (cr == 2 || cr == 3) {
    out.push_back(0xe1);  // mov x29, sp
    if (local_size <= 512) out.push_back(static_cast<uint8_t>(0x80 | (local_size / 8 - 1)));  // stp fp,lr,[sp,#-L]!
    else out.push_back(0x40);  // stp fp, lr, [sp, #0]
  }
  if (local_size > 4080) {
    push_alloc(out, local_size - 4080);
    push_alloc(out, 4080);
  } else if ((cr != 2 && cr != 3 && local_size > 0) || local_size > 512) {
    push_alloc(out, local_size);
  }
  if (h) {
    out.insert(out.end(), {kNop, kNop, kNop});  // stp x6,x7 / x4,x5 / x2,x3 into the home area
    if (reg_i > 0 || reg_f > 0 || cr == 1) out.push_back(kNop);
    else push_alloc(out, save_size);  // stp x0, x1, [sp, #-SavSZ]!
  }
  for (int k = static_cast<int>((fp_regs + 1) / 2) - 1; k >= 0; --k) {
    const unsigned u = static_cast<unsigned>(k);
    if (u == (fp_regs + 1) / 2 - 1 && fp_regs % 2 == 1) save_freg(out, 2 * u, (int_size + 16 * u) / 8);
    else if (u == 0 && reg_i == 0 && cr != 1) save_fregp_x(out, 0, save_size / 8 - 1);
    else save_fregp(out, 2 * u, (int_size + 16 * u) / 8);
  }
  if (cr == 1 && reg_i % 2 == 0) {
    if (reg_i == 0) save_reg_x(out, 11, save_size / 8 - 1);  // str lr, [sp, #-SavSZ]!  (x19 + 11 = lr)
    else save_reg(out, 11, (int_size - 8) / 8);
  }
  for (int k = static_cast<int>((reg_i + 1) / 2) - 1; k >= 0; --k) {
    const unsigned u = static_cast<unsigned>(k);
    if (u == (reg_i + 1) / 2 - 1 && reg_i % 2 == 1) {
      if (cr == 1) save_lrpair(out, u, 2 * u);  // stp x(19+2k), lr, [sp, #16k]
      else if (u == 0) save_reg_x(out, 0, save_size / 8 - 1);
      else save_reg(out, 2 * u, 2 * u);
    } else if (u == 0) {
      save_regp_x(out, 0, save_size / 8 - 1);  // stp x19, x20, [sp, #-SavSZ]!
    } else {
      save_regp(out, 2 * u, 2 * u);
    }
  }
  if (cr == 2) out.push_back(0xfc);  // pacibsp
  out.push_back(kEnd);
  return out;
}

Result<Arm64UnwindResult> unwind_arm64(UnwindSource& source, VirtualMemory& stack, const UnwindEntry& f,
                                       Arm64Registers& regs, bool pc_exact) {
  std::vector<uint8_t> codes;
  bool fragment = false;
  const uint32_t flag = f.unwind_data & 3;
  if (flag == 1 || flag == 2) {
    KDMP_TRY(packed, arm64_packed_codes(f.unwind_data));
    codes = std::move(packed);
    fragment = flag == 2;
  } else if (flag == 0) {
    std::array<uint8_t, 8> header{};
    if (auto st = source.read_image(f.image_base, f.unwind_data, header); !st.ok()) return st.error();
    const uint32_t h = le::u32(header, 0);
    const bool x = (h >> 20) & 1, e = (h >> 21) & 1;
    uint32_t epilogs = (h >> 22) & 0x1f, words = (h >> 27) & 0x1f;
    uint64_t at = f.unwind_data + 4;
    if (epilogs == 0 && words == 0) {  // the extension word
      const uint32_t ext = le::u32(header, 4);
      epilogs = ext & 0xffff;
      words = (ext >> 16) & 0xff;
      at += 4;
    }
    (void)x;
    if (!e) at += 4ull * epilogs;  // epilogue scopes (not simulated)
    codes.resize(4ull * words);
    if (codes.size() > kMaxCodeBytes) return bad(f, "too many code words");
    if (auto st = source.read_image(f.image_base, at, codes); !st.ok()) return st.error();
  } else {
    return bad(f, "reserved .pdata flag 3");
  }
  // A partly run prologue: skip the codes of the instructions that have not run yet.
  size_t start = 0;
  const uint64_t offset = regs.pc - (f.image_base + f.begin_rva);
  if (pc_exact && !fragment) {
    size_t instructions = 0;
    for (size_t i = 0; i < codes.size() && codes[i] != kEnd && codes[i] != kEndC; i += code_size(codes[i])) {
      instructions += is_instruction(codes[i]);
    }
    const uint64_t ran = offset / 4;
    if (ran < instructions) {
      for (size_t skip = instructions - ran; skip > 0 && start < codes.size(); --skip) start += code_size(codes[start]);
    }
  }
  Arm64Registers r = regs;
  bool trap = false;
  KDMP_TRY(machine_frame, run_codes(stack, f, codes, start, r, trap));
  Arm64UnwindResult result;
  result.machine_frame = machine_frame;
  result.trap_frame = trap;
  if (machine_frame == 0) r.pc = arm64_strip_pac(r.x[30]);
  regs = r;
  return result;
}

}  // namespace kdmp
