// The unwinders on hand-made unwind data: the x64 codes a C compiler rarely emits (UWOP_SAVE_NONVOL(_FAR), the
// 32-bit UWOP_ALLOC_LARGE, chained UNWIND_INFO, a prologue half run, UWOP_PUSH_MACHFRAME without an error code) and
// ARM64 .xdata codes and packed records, each checked against the stack layout the prologue would have made.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>

#include "kdmp/le.hpp"
#include "kdmp/unwind_arm64.hpp"
#include "kdmp/unwind_x64.hpp"

using namespace kdmp;

namespace {

constexpr uint64_t kBase = 0xfffff80000000000ull;
constexpr uint64_t kStack = 0xffffd00000010000ull;

// One image's bytes by RVA, and 128 KiB of stack from kStack.
struct Memory final : UnwindSource, VirtualMemory {
  std::vector<uint8_t> image = std::vector<uint8_t>(0x4000);
  std::vector<uint8_t> stack = std::vector<uint8_t>(0x20000);
  std::optional<UnwindEntry> find_function(uint64_t) override { return std::nullopt; }
  bool has_unwind_data(uint64_t) override { return true; }
  Status read_image(uint64_t, uint64_t rva, std::span<uint8_t> out) override {
    if (rva + out.size() > image.size()) return make_error(ErrorCode::NotPresent, "past the image", rva);
    std::memcpy(out.data(), image.data() + rva, out.size());
    return Ok{};
  }
  Status read_virtual_exact(Gva va, std::span<uint8_t> out) override {
    if (va.value < kStack || va.value + out.size() > kStack + stack.size()) {
      return make_error(ErrorCode::NotPresent, "not on the stack", va.value);
    }
    std::memcpy(out.data(), stack.data() + (va.value - kStack), out.size());
    return Ok{};
  }
  unsigned pointer_size() const override { return 8; }
  void put(uint64_t va, uint64_t v) { le::put64(stack, va - kStack, v); }
  void bytes(uint32_t rva, std::vector<uint8_t> b) { std::copy(b.begin(), b.end(), image.begin() + rva); }
};

}  // namespace

TEST_CASE("x64: SAVE_NONVOL, SAVE_NONVOL_FAR, the 32-bit ALLOC_LARGE, SAVE_XMM128_FAR and a chained entry") {
  Memory m;
  // Primary function at 0x1000, prologue 0x20 bytes:
  //   push rbx (1); sub rsp, 0x12340 (ALLOC_LARGE info 1 at 8); mov [rsp+0x40], rsi (SAVE_NONVOL at 0x10);
  //   mov [rsp+0x11000], rdi (SAVE_NONVOL_FAR at 0x18); movaps [rsp+0x12000], xmm6 (SAVE_XMM128_FAR at 0x20)
  // then chains to an entry at 0x900 whose prologue pushed r12 (its codes always apply).
  m.bytes(0x2000, {0x21, 0x20, 12, 0x00,                // version 1, UNW_FLAG_CHAININFO, 12 code slots
                   0x20, 0x69, 0x00, 0x20, 0x01, 0x00,  // SAVE_XMM128_FAR xmm6 @0x12000 (3 slots)
                   0x18, 0x75, 0x00, 0x10, 0x01, 0x00,  // SAVE_NONVOL_FAR rdi @0x11000 (3 slots)
                   0x10, 0x64, 0x08, 0x00,              // SAVE_NONVOL rsi @8*8 (2 slots)
                   0x08, 0x11, 0x40, 0x23, 0x01, 0x00,  // ALLOC_LARGE 0x12340 (3 slots)
                   0x01, 0x30,                          // PUSH_NONVOL rbx
                   0x00, 0x09, 0x00, 0x00, 0x80, 0x09, 0x00, 0x00, 0x40, 0x20, 0x00, 0x00});  // chained entry
  m.bytes(0x2040, {0x01, 0x02, 1, 0x00, 0x02, 0xc0, 0x00, 0x00});  // PUSH_NONVOL r12 at offset 2
  const uint64_t sp = kStack + 0x100;
  m.put(sp + 0x40, 0x5151);                          // rsi
  m.put(sp + 0x11000, 0xd1d1);                       // rdi
  const uint64_t after_alloc = sp + 0x12340;
  m.put(after_alloc, 0xb0b0);                        // rbx
  m.put(after_alloc + 8, 0x1212);                    // r12 (pushed by the chained prologue, first)
  m.put(after_alloc + 16, kBase + 0x5555);           // return address
  X64Registers r;
  r.rip = kBase + 0x1050;
  r.rsp() = sp;
  UnwindEntry f{kBase, 0x1000, 0x1100, 0x2000, 0x8664};
  auto step = unwind_x64(m, m, f, r, true);
  INFO((step.ok() ? std::string() : step.error().message));
  REQUIRE(step.ok());
  CHECK(step->machine_frame == 0);
  CHECK(r.gpr[6] == 0x5151);
  CHECK(r.gpr[7] == 0xd1d1);
  CHECK(r.gpr[3] == 0xb0b0);
  CHECK(r.gpr[12] == 0x1212);
  CHECK(r.rip == kBase + 0x5555);
  CHECK(r.rsp() == after_alloc + 24);
}

TEST_CASE("x64: a prologue half run applies only the codes whose instruction ran") {
  Memory m;
  // push rbp (1); push rbx (2); sub rsp, 0x20 (6); lea rbp, [rsp+0x10] (0xb) with frame register rbp, offset 1.
  m.bytes(0x2000, {0x01, 0x0b, 4, 0x15, 0x0b, 0x03, 0x06, 0x32, 0x02, 0x30, 0x01, 0x50});
  UnwindEntry f{kBase, 0x1000, 0x1100, 0x2000, 0x8664};
  const uint64_t sp = kStack + 0x200;
  m.put(sp, 0xbbbb);           // rbx, pushed second
  m.put(sp + 8, 0xeeee);       // rbp, pushed first
  m.put(sp + 16, kBase + 0x7777);
  X64Registers r;
  r.rip = kBase + 0x1002;  // both pushes ran, the allocation did not
  r.rsp() = sp;
  r.gpr[5] = 0x1234;  // not yet a frame pointer
  REQUIRE(unwind_x64(m, m, f, r, true).ok());
  CHECK(r.gpr[3] == 0xbbbb);
  CHECK(r.gpr[5] == 0xeeee);
  CHECK(r.rip == kBase + 0x7777);
  CHECK(r.rsp() == sp + 24);
  // After the prologue the frame register leads: rsp = rbp - 0x10, then + 0x20 and the pushes.
  X64Registers body;
  body.rip = kBase + 0x1040;
  body.rsp() = 0;  // whatever the body did to rsp (alloca), rbp finds the frame
  body.gpr[5] = sp - 0x20 + 0x10;
  REQUIRE(unwind_x64(m, m, f, body, false).ok());
  CHECK(body.rsp() == sp + 24);
  CHECK(body.gpr[5] == 0xeeee);
}

TEST_CASE("x64: a machine frame without an error code; bad unwind data is an error, not a crash") {
  Memory m;
  m.bytes(0x2000, {0x01, 0x00, 1, 0x00, 0x00, 0x0a});  // PUSH_MACHFRAME 0
  const uint64_t sp = kStack + 0x300;
  m.put(sp, kBase + 0x4242);       // RIP
  m.put(sp + 24, kStack + 0x8000);  // RSP
  X64Registers r;
  r.rip = kBase + 0x1010;
  r.rsp() = sp;
  auto step = unwind_x64(m, m, UnwindEntry{kBase, 0x1000, 0x1100, 0x2000, 0x8664}, r, false);
  REQUIRE(step.ok());
  CHECK(step->machine_frame == sp);
  CHECK_FALSE(step->error_code);
  CHECK(r.rip == kBase + 0x4242);
  CHECK(r.rsp() == kStack + 0x8000);

  m.bytes(0x2100, {0x03, 0x00, 1, 0x00, 0x00, 0x00});  // version 3
  X64Registers bad;
  bad.rsp() = sp;
  CHECK_FALSE(unwind_x64(m, m, UnwindEntry{kBase, 0x1000, 0x1100, 0x2100, 0x8664}, bad, false).ok());
  m.bytes(0x2200, {0x01, 0x00, 1, 0x00, 0x00, 0x0f});  // unknown code 15
  CHECK_FALSE(unwind_x64(m, m, UnwindEntry{kBase, 0x1000, 0x1100, 0x2200, 0x8664}, bad, false).ok());
  m.bytes(0x2300, {0x01, 0x00, 1, 0x00, 0x00, 0x01});  // ALLOC_LARGE that needs more slots than CountOfCodes
  CHECK_FALSE(unwind_x64(m, m, UnwindEntry{kBase, 0x1000, 0x1100, 0x2300, 0x8664}, bad, false).ok());
  // A chain that points at itself stops at 32 entries.
  m.bytes(0x2400, {0x21, 0x00, 0, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x24, 0x00, 0x00});
  CHECK_FALSE(unwind_x64(m, m, UnwindEntry{kBase, 0x1000, 0x1100, 0x2400, 0x8664}, bad, false).ok());
}

TEST_CASE("ARM64: .xdata codes (save_r19r20_x with save_next, save_reg, save_fplr, add_fp, alloc) and a half-run prologue") {
  Memory m;
  // The prologue clang emits for StackMiddle (llvm-readobj's reading of it):
  //   stp x19,x20,[sp,#-64]!; stp x21,x22,[sp,#16]; str x23,[sp,#32]; str x28,[sp,#40]; stp x29,x30,[sp,#48];
  //   add x29,sp,#48; sub sp,sp,#512
  // .xdata: FunctionLength 48 words, E=1, Code Words 3: codes c020 e206 46 d245 d104 e6 28 e4 (unwind order)
  const uint32_t header = 48 | (1u << 21) | (3u << 27);
  m.bytes(0x3000, {static_cast<uint8_t>(header), static_cast<uint8_t>(header >> 8), static_cast<uint8_t>(header >> 16),
                   static_cast<uint8_t>(header >> 24), 0xc0, 0x20, 0xe2, 0x06, 0x46, 0xd2, 0x45, 0xd1, 0x04, 0xe6, 0x28,
                   0xe4});
  const uint64_t top = kStack + 0x1000;  // sp before the prologue
  const uint64_t save = top - 64;
  m.put(save, 0x19), m.put(save + 8, 0x20), m.put(save + 16, 0x21), m.put(save + 24, 0x22);
  m.put(save + 32, 0x23), m.put(save + 40, 0x28);
  m.put(save + 48, kStack + 0x2000);     // fp
  m.put(save + 56, kBase + 0x8888);      // lr
  Arm64Registers r;
  r.pc = kBase + 0x1100;
  r.x[29] = save + 48;
  r.sp = save - 512 - 0x40;  // an alloca below the fixed frame: fp still finds it
  UnwindEntry f{kBase, 0x1000, 0x10c0, 0x3000, 0xAA64};
  auto step = unwind_arm64(m, m, f, r, false);
  INFO((step.ok() ? std::string() : step.error().message));
  REQUIRE(step.ok());
  CHECK(r.sp == top);
  CHECK(r.x[19] == 0x19);
  CHECK(r.x[20] == 0x20);
  CHECK(r.x[21] == 0x21);
  CHECK(r.x[22] == 0x22);
  CHECK(r.x[23] == 0x23);
  CHECK(r.x[28] == 0x28);
  CHECK(r.x[29] == kStack + 0x2000);
  CHECK(r.pc == kBase + 0x8888);
  // Two instructions ran (stp x19,x20 pre-indexed; stp x21,x22): only their codes undo.
  Arm64Registers half;
  half.pc = kBase + 0x1008;
  half.sp = save;
  half.x[30] = kBase + 0x9999;
  REQUIRE(unwind_arm64(m, m, f, half, true).ok());
  CHECK(half.sp == top);
  CHECK(half.x[21] == 0x21);
  CHECK(half.pc == kBase + 0x9999);  // lr was never saved
}

TEST_CASE("ARM64: packed records expand to the documented canonical prologue") {
  // Flag 1, FunctionLength, RegF 0, RegI 2 (x19, x20), H 0, CR 3 (chained: stp fp,lr; mov fp,sp), FrameSize 0x40.
  const uint32_t packed = 1 | (20u << 2) | (0u << 13) | (2u << 16) | (0u << 20) | (3u << 21) | (4u << 23);
  auto codes = arm64_packed_codes(packed);
  REQUIRE(codes.ok());
  // mov x29,sp (e1); stp x29,lr,[sp,#-48]! (save_fplr_x Z=5: 0x85); stp x19,x20,[sp,#-16]! (save_regp_x X=0 Z=1);
  // end.
  CHECK(*codes == std::vector<uint8_t>{0xe1, 0x85, 0xcc, 0x01, 0xe4});
  Memory m;
  const uint64_t top = kStack + 0x800;
  m.put(top - 16, 0x19), m.put(top - 8, 0x20);
  const uint64_t fp = top - 64;
  m.put(fp, kStack + 0x3000), m.put(fp + 8, kBase + 0x6666);
  Arm64Registers r;
  r.pc = kBase + 0x1030;
  r.sp = fp;
  r.x[29] = fp;
  REQUIRE(unwind_arm64(m, m, UnwindEntry{kBase, 0x1000, 0x1050, packed, 0xAA64}, r, false).ok());
  CHECK(r.sp == top);
  CHECK(r.x[19] == 0x19);
  CHECK(r.x[20] == 0x20);
  CHECK(r.x[29] == kStack + 0x3000);
  CHECK(r.pc == kBase + 0x6666);
  // CR=1 with RegI=1 is undefined.
  CHECK_FALSE(arm64_packed_codes(1 | (1u << 16) | (1u << 21) | (2u << 23)).ok());
  // Pointer authentication bits are stripped from kernel and user return addresses.
  CHECK(arm64_strip_pac(0x0023f80312345678ull | (1ull << 55)) == 0xfffff80312345678ull);
  CHECK(arm64_strip_pac(0x002300007ff12345ull) == 0x00007ff12345ull);
}

TEST_CASE("x64: an instruction pointer inside an epilogue finishes the epilogue (add rsp / lea rsp, pops, ret, jmp)") {
  Memory m;
  // push rbp (1); push rbx (2); sub rsp, 0x20 (6); lea rbp, [rsp+0x10] (0xb): frame register rbp, offset 1.
  m.bytes(0x2000, {0x01, 0x0b, 4, 0x15, 0x0b, 0x03, 0x06, 0x32, 0x02, 0x30, 0x01, 0x50});
  // Two epilogues: add rsp, 0x20; pop rbx; pop rbp; ret at 0x1080, and lea rsp, [rbp+0x10]; pop rbx; pop rbp;
  // jmp rel32 out of the function (a tail call) at 0x10a0. At 0x10c0: add rsp, 0x20; pop rbx; mov eax, 1 (no
  // epilogue: the pops do not end in a return).
  m.bytes(0x1080, {0x48, 0x83, 0xc4, 0x20, 0x5b, 0x5d, 0xc3});
  m.bytes(0x10a0, {0x48, 0x8d, 0x65, 0x10, 0x5b, 0x5d, 0xe9, 0x00, 0x10, 0x00, 0x00});
  m.bytes(0x10c0, {0x48, 0x83, 0xc4, 0x20, 0x5b, 0xb8, 0x01, 0x00, 0x00, 0x00});
  const UnwindEntry f{kBase, 0x1000, 0x1100, 0x2000, 0x8664};
  const uint64_t sp = kStack + 0x400;  // after the prologue
  m.put(sp + 0x20, 0xbbbb);            // rbx
  m.put(sp + 0x28, 0xeeee);            // rbp
  m.put(sp + 0x30, kBase + 0x9999);    // return address
  struct Case {
    uint32_t rva;
    uint64_t rsp;  // the stack pointer at that instruction
    uint64_t rbx, rbp;
  };
  // The epilogue's instructions one by one: what already ran is not undone again.
  const Case cases[] = {
      {0x1080, sp, 0x1111, sp + 0x10},                 // add rsp, 0x20
      {0x1084, sp + 0x20, 0x1111, sp + 0x10},          // pop rbx
      {0x1085, sp + 0x28, 0xbbbb, sp + 0x10},          // pop rbp
      {0x1086, sp + 0x30, 0xbbbb, 0xeeee},             // ret
      {0x10a0, 0x4444, 0x1111, sp + 0x10},             // lea rsp, [rbp+0x10]: rsp is not needed
      {0x10a4, sp + 0x20, 0x1111, sp + 0x10},          // pop rbx
      {0x10a6, sp + 0x30, 0xbbbb, 0xeeee},             // jmp out: the return address is at rsp
  };
  for (const Case& c : cases) {
    INFO("rip at rva " << hex(c.rva));
    X64Registers r;
    r.rip = kBase + c.rva;
    r.rsp() = c.rsp;
    r.gpr[3] = c.rbx;
    r.gpr[5] = c.rbp;
    auto step = unwind_x64(m, m, f, r, true);
    INFO((step.ok() ? std::string() : step.error().message));
    REQUIRE(step.ok());
    CHECK(step->machine_frame == 0);
    CHECK(r.rip == kBase + 0x9999);
    CHECK(r.rsp() == sp + 0x38);
    CHECK(r.gpr[3] == 0xbbbb);
    CHECK(r.gpr[5] == 0xeeee);
  }
  // Not an epilogue: the body's add/pop without a return unwinds through the codes and the frame register.
  X64Registers body;
  body.rip = kBase + 0x10c0;
  body.rsp() = sp;
  body.gpr[5] = sp + 0x10;
  REQUIRE(unwind_x64(m, m, f, body, true).ok());
  CHECK(body.rip == kBase + 0x9999);
  CHECK(body.rsp() == sp + 0x38);
  // A jmp that stays inside the function is no epilogue either; nor is a pc that is not exact (a return address).
  m.bytes(0x10d0, {0x5b, 0x5d, 0xeb, 0xf0});  // pop rbx; pop rbp; jmp 0x10c4
  X64Registers inner;
  inner.rip = kBase + 0x10d0;
  inner.rsp() = sp;
  inner.gpr[5] = sp + 0x10;
  auto plain = simulate_x64_epilogue(m, m, f, inner, 5);
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->has_value());
  X64Registers returned;
  returned.rip = kBase + 0x1086;  // a return address that happens to point at a ret
  returned.rsp() = sp;
  returned.gpr[5] = sp + 0x10;
  REQUIRE(unwind_x64(m, m, f, returned, false).ok());
  CHECK(returned.rsp() == sp + 0x38);
  CHECK(returned.gpr[3] == 0xbbbb);
}
