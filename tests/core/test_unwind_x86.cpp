// x86 unwinding from PDB frame data: the program evaluator on hand-made stacks, the record parsers and the
// table's lookup, and both FPO streams of the real x86 test driver's PDB (tests/stack_images: clang-cl's new FPO
// records and fpo_x86.s's old FPO_DATA record) checked against llvm-pdbutil.
#include <catch2/catch.hpp>

#include <cstring>
#include <regex>
#include <sstream>

#include "kdmp/frame_data.hpp"
#include "kdmp/le.hpp"
#include "kdmp/native_source.hpp"
#include "kdmp/pdb.hpp"
#include "kdmp/unwind_x86.hpp"
#include "test_images_helpers.hpp"

using namespace kdmp;

namespace {

constexpr uint32_t kStack = 0x9a3e0000;

struct Stack32 final : VirtualMemory {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(0x1000);
  Status read_virtual_exact(Gva va, std::span<uint8_t> out) override {
    if (va.value < kStack || va.value + out.size() > kStack + bytes.size()) {
      return make_error(ErrorCode::NotPresent, "not on the stack", va.value);
    }
    std::memcpy(out.data(), bytes.data() + (va.value - kStack), out.size());
    return Ok{};
  }
  unsigned pointer_size() const override { return 4; }
  void put(uint32_t va, uint32_t v) { le::put32(bytes, va - kStack, v); }
};

bool in_code(uint32_t v) { return v >= 0x80400000 && v < 0x80500000; }

}  // namespace

TEST_CASE("x86 frame data programs: an aligned EBP frame, .raSearch past the callee's arguments, errors") {
  Stack32 s;
  // StackLeaf's body program as clang-cl writes it: ebp frame, three saved registers, the stack aligned to 8.
  const std::string leaf =
      "$T1 $ebp 4 + = $T0 $T1 16 - 8 @ = $eip $T1 ^ = $esp $T1 4 + = $ebp $T1 4 - ^ = $ebx $T1 8 - ^ = "
      "$edi $T1 12 - ^ = $esi $T1 16 - ^ = ";
  const uint32_t ebp = kStack + 0x200;
  s.put(ebp, kStack + 0x300);      // saved ebp
  s.put(ebp + 4, 0x80401234);      // return address
  s.put(ebp - 4, 0xb0b0);          // ebx
  s.put(ebp - 8, 0xd1d1);          // edi
  s.put(ebp - 12, 0x5151);         // esi
  X86FrameData f;
  X86Registers r;
  r.eip = 0x80402000;
  r.esp = kStack + 0x100;
  r.ebp = ebp;
  r.eax = 7;
  auto out = run_fpo_program(leaf, r, f, 0, s, in_code);
  INFO((out.ok() ? std::string() : out.error().message));
  REQUIRE(out.ok());
  CHECK(out->eip == 0x80401234);
  CHECK(out->esp == ebp + 8);
  CHECK(out->ebp == kStack + 0x300);
  CHECK(out->ebx == 0xb0b0);
  CHECK(out->edi == 0xd1d1);
  CHECK(out->esi == 0x5151);
  CHECK(out->eax == 7);  // not assigned: kept

  // .raSearch: from esp + the callee's arguments (8) + locals (8) + saved registers (8), the first code address;
  // a slot holding no code address is skipped, a 0 right there ends the stack.
  const std::string fpo = "$T0 .raSearch = $eip $T0 ^ = $esp $T0 4 + = ";
  X86FrameData g;
  g.locals = 8;
  g.saved_regs = 8;
  X86Registers c;
  c.eip = 0x80402000;
  c.esp = kStack + 0x400;
  s.put(kStack + 0x418, 0x77);          // not code
  s.put(kStack + 0x41c, 0x80405678);    // the return address
  auto searched = run_fpo_program(fpo, c, g, 8, s, in_code);
  REQUIRE(searched.ok());
  CHECK(searched->eip == 0x80405678);
  CHECK(searched->esp == kStack + 0x420);
  s.put(kStack + 0x418, 0);
  auto ends = run_fpo_program(fpo, c, g, 8, s, in_code);
  REQUIRE(ends.ok());
  CHECK(ends->eip == 0);
  // The record's sizes by name, arithmetic, negative numbers.
  X86FrameData sizes;
  sizes.locals = 0x18;
  sizes.saved_regs = 4;
  sizes.params = 12;
  auto named = run_fpo_program("$T0 $esp .cbLocals + .cbSavedRegs + = $eip $T0 ^ = $esp $T0 4 + .cbParams + = "
                               "$ebx 10 3 % 6 * 2 / -3 + = ",
                               c, sizes, 0, s, nullptr);
  REQUIRE(named.ok());
  CHECK(named->eip == 0x80405678);
  CHECK(named->esp == kStack + 0x41c + 4 + 12);
  CHECK(named->ebx == 0);  // 10 % 3 = 1, * 6 = 6, / 2 = 3, + -3 = 0

  for (const char* bad : {"$eip 1 +", "$eip = ", "$T0 1 0 / = $eip $T0 = $esp $T0 =", "$eip 4 = ",
                          "$T0 $esp 3 @ = $eip $T0 = $esp $T0 = ", "$eip $bogus = $esp 0 = ", "foo"}) {
    INFO(bad);
    auto e = run_fpo_program(bad, c, g, 0, s, in_code);
    REQUIRE_FALSE(e.ok());
    CHECK_FALSE(e.error().message.empty());
  }
  // Unreadable memory and too many tokens are errors too.
  X86Registers far = c;
  far.esp = 0x1000;
  CHECK_FALSE(run_fpo_program(fpo, far, g, 0, s, in_code).ok());
  std::string long_program;
  for (int i = 0; i < 300; ++i) long_program += "1 ";
  CHECK_FALSE(run_fpo_program(long_program, c, g, 0, s, in_code).ok());
}

TEST_CASE("x86 frame data: record parsers, the table's lookup, old FPO frames") {
  // Two new FPO records of one function (its start, then after push ebp) and a second function.
  std::vector<uint8_t> names(12 + 64, 0);
  le::put32(names, 0, 0xeffeeffe);
  le::put32(names, 4, 1);
  le::put32(names, 8, 64);
  const char* p1 = "$T0 .raSearch = $eip $T0 ^ = $esp $T0 4 + = ";
  std::memcpy(names.data() + 12 + 1, p1, std::strlen(p1));
  std::vector<uint8_t> records(3 * 32, 0);
  auto record = [&](size_t i, uint32_t rva, uint32_t size, uint16_t prolog, uint16_t saved, uint32_t flags) {
    le::put32(records, 32 * i, rva);
    le::put32(records, 32 * i + 4, size);
    le::put32(records, 32 * i + 8, 0x20);   // locals
    le::put32(records, 32 * i + 12, 8);     // params
    le::put32(records, 32 * i + 20, 1);     // the program
    le::put16(records, 32 * i + 24, prolog);
    le::put16(records, 32 * i + 26, saved);
    le::put32(records, 32 * i + 28, flags);
  };
  record(0, 0x1000, 0x40, 3, 0, 4);
  record(1, 0x1001, 0x3f, 2, 4, 0);
  record(2, 0x1100, 0x10, 0, 0, 4);
  X86FrameTable t;
  REQUIRE(parse_new_fpo(records, names, t).ok());
  // Old FPO: a function at 0x1200 with 2 dwords of locals, 1 of parameters, prologue 5, 2 registers, fUseBP.
  std::vector<uint8_t> old(16, 0);
  le::put32(old, 0, 0x1200);
  le::put32(old, 4, 0x30);
  le::put32(old, 8, 2);
  le::put16(old, 12, 1);
  le::put16(old, 14, 0x1205);
  REQUIRE(parse_old_fpo(old, t).ok());
  t.finish();
  REQUIRE(t.size() == 4);
  CHECK(t.find(0x1000)->rva == 0x1000);
  CHECK(t.find(0x1000)->function_start);
  CHECK(t.find(0x1020)->rva == 0x1001);
  CHECK(t.find(0x1020)->saved_regs == 4);
  CHECK(t.program(*t.find(0x1020)) == p1);
  CHECK(t.find(0x1040) == nullptr);  // between the functions
  CHECK(t.find(0x110f)->rva == 0x1100);
  const X86FrameData* o = t.find(0x1210);
  REQUIRE(o != nullptr);
  CHECK(o->old_fpo);
  CHECK(o->locals == 8);
  CHECK(o->params == 4);
  CHECK(o->prolog == 5);
  CHECK(o->saved_regs == 8);
  CHECK(o->uses_bp);
  CHECK(o->frame_type == 0);

  // Broken input: a partial record, a program past the string table, no signature.
  X86FrameTable broken;
  CHECK_FALSE(parse_new_fpo(std::span<const uint8_t>(records.data(), 40), names, broken).ok());
  le::put32(records, 20, 500);
  CHECK_FALSE(parse_new_fpo(records, names, broken).ok());
  le::put32(names, 0, 0);
  CHECK_FALSE(parse_new_fpo(records, names, broken).ok());
  CHECK_FALSE(parse_old_fpo(std::span<const uint8_t>(old.data(), 10), broken).ok());

  // Unwinding through old FPO records: an EBP frame, and a frame found above its locals and saved registers.
  Stack32 s;
  s.put(kStack + 0x100, kStack + 0x180);
  s.put(kStack + 0x104, 0x80401000);
  X86Registers r;
  r.esp = kStack + 0x80;
  r.ebp = kStack + 0x100;
  auto bp = unwind_x86(t, *o, 0, s, r, in_code);
  REQUIRE(bp.ok());
  CHECK(bp->eip == 0x80401000);
  CHECK(bp->esp == kStack + 0x108);
  CHECK(bp->ebp == kStack + 0x180);
  X86FrameData fpo = *o;
  fpo.uses_bp = false;
  s.put(kStack + 0x80 + 12 + 16, 0x80402000);  // esp + the callee's 12 bytes of arguments + locals + registers
  auto step = unwind_x86(t, fpo, 12, s, r, in_code);
  REQUIRE(step.ok());
  CHECK(step->eip == 0x80402000);
  CHECK(step->esp == kStack + 0x80 + 12 + 16 + 4);
  CHECK(step->ebp == kStack + 0x100);
}

TEST_CASE("x86 frame data of the real test driver's PDB agrees with llvm-pdbutil", "[symbols]") {
  const std::string pdb_path = std::string(KDMP_STACK_IMAGES_DIR) + "/x86/stackdrv.pdb";
  auto source = open_file_source(pdb_path, FileReaderKind::File);
  REQUIRE(source.ok());
  auto pdb = Pdb::open(std::move(source).value());
  REQUIRE(pdb.ok());
  CHECK(pdb->machine() == 0x14c);
  REQUIRE(pdb->named_stream("/names"));
  REQUIRE(pdb->debug_stream(9));  // new FPO
  REQUIRE(pdb->debug_stream(0));  // old FPO
  std::vector<Warning> warnings;
  const X86FrameTable table = read_x86_frame_table(*pdb, &warnings);
  CHECK(warnings.empty());

  // llvm-pdbutil dump -fpo: the new FPO table's rows (RVA | Code | Locals | Params | Stack | Prolog | Saved Regs |
  // SEH | C++EH | Start | Program) and the old FPO row (RVA | Code | Locals | Params | Prolog | Saved Regs | ...).
  const std::string text = testing::run_command(std::string(KDMP_LLVM_PDBUTIL) + " dump -fpo " + pdb_path);
  const std::regex new_row(R"(^([0-9a-fA-F]{8}) \|\s+(\d+) \|\s+(\d+) \|\s+(\d+) \|\s+(\d+) \|\s+(\d+) \|\s+(\d+) \|)"
                           R"(\s+\w+ \|\s+\w+ \|\s+(\w+) \| (.*)$)");
  const std::regex old_row(R"(^([0-9a-fA-F]{8}) \|\s+(\d+) \|\s+(\d+) \|\s+(\d+) \|\s+(\d+) \|\s+(\d+) \|\s+(\w+) \|)");
  std::istringstream lines(text);
  std::string line;
  size_t new_rows = 0, old_rows = 0;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (std::regex_match(line, m, new_row)) {
      ++new_rows;
      const uint32_t rva = static_cast<uint32_t>(std::stoul(m[1], nullptr, 16));
      INFO(line);
      const X86FrameData* f = nullptr;
      for (const X86FrameData& r : table.records()) {
        if (r.rva == rva && !r.old_fpo && r.code_size == std::stoul(m[2])) f = &r;
      }
      REQUIRE(f != nullptr);
      CHECK(f->locals == std::stoul(m[3]));
      CHECK(f->params == std::stoul(m[4]));
      CHECK(f->max_stack == std::stoul(m[5]));
      CHECK(f->prolog == std::stoul(m[6]));
      CHECK(f->saved_regs == std::stoul(m[7]));
      CHECK(f->function_start == (m[8] == "true"));
      CHECK(table.program(*f) == m[9].str());
    } else if (std::regex_search(line, m, old_row)) {
      ++old_rows;
      INFO(line);
      const X86FrameData* f = table.find(static_cast<uint32_t>(std::stoul(m[1], nullptr, 16)));
      REQUIRE(f != nullptr);
      CHECK(f->old_fpo);
      CHECK(f->code_size == std::stoul(m[2]));
      CHECK(f->locals == 4 * std::stoul(m[3]));  // llvm-pdbutil prints dwords
      CHECK(f->params == 4 * std::stoul(m[4]));
      CHECK(f->prolog == std::stoul(m[5]));
      CHECK(f->saved_regs == 4 * std::stoul(m[6]));
      CHECK(f->uses_bp == (m[7] == "true"));
    }
  }
  // StackSink, StackLeaf (6 prologue steps), StackMiddle (6), DriverEntry (6), __chkstk has none.
  CHECK(new_rows >= 19);
  CHECK(old_rows == 1);
  CHECK(new_rows + old_rows == table.size());
  // fpo_x86.s's record, read by our own bit layout (llvm-pdbutil reads fHasSEH from the wrong bit).
  const X86FrameData* asm_fpo = nullptr;
  for (const X86FrameData& r : table.records()) {
    if (r.old_fpo) asm_fpo = &r;
  }
  REQUIRE(asm_fpo != nullptr);
  CHECK(asm_fpo->locals == 8);
  CHECK(asm_fpo->saved_regs == 8);
  CHECK(asm_fpo->prolog == 5);
  CHECK(asm_fpo->params == 8);
  CHECK_FALSE(asm_fpo->uses_bp);
  CHECK(asm_fpo->frame_type == 0);
}
