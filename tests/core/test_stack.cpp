#include <catch2/catch.hpp>

#include "kdmp/modules.hpp"
#include "kdmp/stack.hpp"
#include "kernel_structures.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;

namespace {

constexpr uint64_t kNt = 0xfffff80312200000, kHal = 0xfffff80311f00000, kNdis = 0xfffff80317000000,
                   kBad = 0xfffff80318e40000;

struct X64Stack {
  FakeVirtualMemory vm;
  System sys;
  ModuleList modules;
  X64Stack() {
    SystemSpec spec;
    spec.system_thread = true;
    sys = build_system(vm, spec);
    modules = load_modules(vm, sys.header, sys.context);
    write_call_before(vm, kNt + 0x3f5b2c, CallForm::Rel32);
    write_call_before(vm, kBad + 0x1234, CallForm::RipIndirect);
    write_call_before(vm, kNdis + 0x5a10, CallForm::RexRegister);
    vm.write(kBad + 0x8000 - 8, std::vector<uint8_t>(8, 0x90));  // nops, not a call
    write_stack(vm, sys.stack_pointer,
                {0x10,                 // a small integer
                 kNt + 0x3f5b2c,       // return address into the kernel
                 kBad + 0x1234,        // return address into the driver
                 kBad + 0x8000,        // a pointer to the driver's data
                 0xffffc50a1b2c3080,   // a KTHREAD: no module
                 kNdis + 0x5a10,       // return address after call r8
                 kHal + 0x2000},       // the page before is not mapped: not a return address
                8);
  }
};

}  // namespace

TEST_CASE("Every call form is recognised before a return address", "[stack]") {
  for (CallForm form : {CallForm::Rel32, CallForm::RipIndirect, CallForm::RexRipIndirect, CallForm::Register,
                        CallForm::RexRegister, CallForm::Memory, CallForm::Disp8, CallForm::Disp32, CallForm::SibRsp,
                        CallForm::SibRspDisp8, CallForm::SibRspDisp32}) {
    INFO("form " << static_cast<int>(form));
    auto call = call_bytes(form);
    // Preceded by unrelated bytes, as in real code.
    std::vector<uint8_t> before = {0x48, 0x8b, 0xcb, 0x33, 0xd2};
    before.insert(before.end(), call.begin(), call.end());
    CHECK(ends_with_call_x86(before, true));

    FakeVirtualMemory vm;
    const uint64_t ret = kBad + 0x1400 + 0x37;
    vm.write(ret - 16, std::vector<uint8_t>(16, 0xcc));
    CHECK(write_call_before(vm, ret, form) == call.size());
    CHECK(follows_call(vm, ret, 0x8664));
  }
}

TEST_CASE("Bytes that are not a call end-to-end are not", "[stack]") {
  using B = std::vector<uint8_t>;
  CHECK_FALSE(ends_with_call_x86(B{0x48, 0x89, 0x5c, 0x24, 0x08}, true));  // mov [rsp+8], rbx
  CHECK_FALSE(ends_with_call_x86(B{0x90, 0x90, 0xff, 0xe0}, true));        // jmp rax (FF /4)
  CHECK_FALSE(ends_with_call_x86(B{0xff, 0x25, 1, 2, 3, 4}, true));        // jmp [rip+x]
  CHECK_FALSE(ends_with_call_x86(B{0x00, 0xff, 0x15, 1, 2, 3}, true));     // FF 15 cut short
  CHECK_FALSE(ends_with_call_x86(B{0xe8, 1, 2, 3}, true));                 // E8 with 3 bytes
  CHECK_FALSE(ends_with_call_x86(B{0xc3}, true));
  CHECK_FALSE(ends_with_call_x86(B{}, true));
  CHECK_FALSE(ends_with_call_x86(B{0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90}, true));
  // On x86 41 is "inc ecx", so 41 FF D0 still ends with "call eax".
  CHECK(ends_with_call_x86(B{0x41, 0xff, 0xd0}, false));
  CHECK(ends_with_call_x86(B{0xff, 0x15, 0x00, 0x10, 0x40, 0x00}, false));  // call [0x401000]
}

TEST_CASE("ARM64: BL and BLR before the return address", "[stack]") {
  CHECK(is_call_arm64(0x94000010));  // bl +0x40
  CHECK(is_call_arm64(0x97ffffff));  // bl -4
  CHECK(is_call_arm64(0xd63f0100));  // blr x8
  CHECK_FALSE(is_call_arm64(0xd65f03c0));  // ret
  CHECK_FALSE(is_call_arm64(0xd61f0200));  // br x16
  CHECK_FALSE(is_call_arm64(0x14000010));  // b

  FakeVirtualMemory vm;
  vm.write32(0xfffff80311f01000, 0xd63f0100);
  CHECK(follows_call(vm, 0xfffff80311f01004, 0xAA64));
  CHECK_FALSE(follows_call(vm, 0xfffff80311f01008, 0xAA64));  // zeros
  CHECK_FALSE(follows_call(vm, 0xfffff80311f01006, 0xAA64));  // misaligned
}

TEST_CASE("Stack values in modules, with return-address flags only after calls", "[stack]") {
  X64Stack s;
  StackScan scan = scan_stack(s.vm, s.sys.stack_pointer, 0x8664, s.modules.modules);
  CHECK(scan.warnings.empty());
  CHECK(scan.start == 0xffffd0012345e9a8);
  CHECK(scan.bytes_read == 0x1000 - 0x9a8);  // up to the end of the only mapped stack page
  REQUIRE(scan.entries.size() == 5);

  CHECK(scan.entries[0].stack_address == 0xffffd0012345e9b0);
  CHECK(scan.entries[0].value == kNt + 0x3f5b2c);
  CHECK(scan.entries[0].module == "ntoskrnl.exe");
  CHECK(scan.entries[0].module_base == kNt);
  CHECK(scan.entries[0].offset == 0x3f5b2c);
  CHECK(scan.entries[0].probable_return);

  CHECK(scan.entries[1].stack_address == 0xffffd0012345e9b8);
  CHECK(scan.entries[1].module == "baddrv.sys");
  CHECK(scan.entries[1].offset == 0x1234);
  CHECK(scan.entries[1].probable_return);

  CHECK(scan.entries[2].stack_address == 0xffffd0012345e9c0);
  CHECK(scan.entries[2].module == "baddrv.sys");
  CHECK(scan.entries[2].offset == 0x8000);
  CHECK_FALSE(scan.entries[2].probable_return);

  CHECK(scan.entries[3].stack_address == 0xffffd0012345e9d0);
  CHECK(scan.entries[3].module == "ndis.sys");
  CHECK(scan.entries[3].offset == 0x5a10);
  CHECK(scan.entries[3].probable_return);

  CHECK(scan.entries[4].stack_address == 0xffffd0012345e9d8);
  CHECK(scan.entries[4].module == "hal.dll");
  CHECK(scan.entries[4].offset == 0x2000);
  CHECK_FALSE(scan.entries[4].probable_return);
}

TEST_CASE("The stack scan is bounded", "[stack]") {
  X64Stack s;
  SECTION("by bytes") {
    StackScanOptions o;
    o.max_bytes = 0x20;
    StackScan scan = scan_stack(s.vm, s.sys.stack_pointer, 0x8664, s.modules.modules, o);
    CHECK(scan.bytes_read == 0x20);
    CHECK(scan.entries.size() == 3);
  }
  SECTION("by entries") {
    StackScanOptions o;
    o.max_entries = 2;
    StackScan scan = scan_stack(s.vm, s.sys.stack_pointer, 0x8664, s.modules.modules, o);
    CHECK(scan.entries.size() == 2);
  }
  SECTION("by the default 16 KiB over a long mapped stack") {
    const uint64_t sp = 0xffffd00200000000;
    std::vector<uint64_t> values(0x2000 / 8 * 8, kBad + 0x10);  // 64 KiB of pointers into the driver
    write_stack(s.vm, sp, values, 8);
    const size_t reads_before = s.vm.read_calls();
    StackScanOptions o;
    o.max_entries = 1 << 20;
    StackScan scan = scan_stack(s.vm, sp, 0x8664, s.modules.modules, o);
    CHECK(scan.bytes_read == 16 * 1024);
    CHECK(scan.entries.size() == 16 * 1024 / 8);
    // 4 page reads plus at most two short reads per value.
    CHECK(s.vm.read_calls() - reads_before <= 4 + 2 * scan.entries.size());
  }
  SECTION("an unreadable stack pointer") {
    StackScan scan = scan_stack(s.vm, 0xffffd00999990000, 0x8664, s.modules.modules);
    CHECK(scan.entries.empty());
    CHECK(scan.bytes_read == 0);
    REQUIRE(scan.warnings.size() == 1);
    CHECK(scan.warnings[0].code == "stack-unreadable");
    CHECK(scan.warnings[0].message ==
          "the stack at 0xffffd00999990000 is unreadable: virtual address 0xffffd00999990000 is not mapped");
  }
}

TEST_CASE("A call at the very start of a page whose predecessor is not mapped", "[stack]") {
  FakeVirtualMemory vm;
  const uint64_t page = kBad + 0x3000;
  vm.write(page, std::vector<uint8_t>{0xff, 0x14, 0x24, 0xcc});  // call [rsp] at the first byte of the page
  CHECK_FALSE(vm.mapped(page - 1));
  CHECK(follows_call(vm, page + 3, 0x8664));
  CHECK_FALSE(follows_call(vm, page + 1, 0x8664));
}

TEST_CASE("A 32-bit stack holds 32-bit values", "[stack]") {
  FakeVirtualMemory vm(4);
  SystemSpec spec;
  spec.pointer_size = 4;
  spec.system_thread = true;
  System sys = build_system(vm, spec);
  ModuleList modules = load_modules(vm, sys.header, sys.context);
  REQUIRE(modules.warnings.empty());
  write_call_before(vm, 0x9a101234, CallForm::Rel32);
  write_stack(vm, sys.stack_pointer, {0x8284d000 + 0x4e2a1, 0x9a101234, 0x12345678}, 4);
  StackScan scan = scan_stack(vm, sys.stack_pointer, 0x14c, modules.modules);
  REQUIRE(scan.entries.size() == 2);
  CHECK(scan.entries[0].stack_address == 0x9a3e7b40);
  CHECK(scan.entries[0].module == "ntoskrnl.exe");
  CHECK(scan.entries[0].offset == 0x4e2a1);
  CHECK_FALSE(scan.entries[0].probable_return);
  CHECK(scan.entries[1].stack_address == 0x9a3e7b44);
  CHECK(scan.entries[1].module == "baddrv.sys");
  CHECK(scan.entries[1].offset == 0x1234);
  CHECK(scan.entries[1].probable_return);
  CHECK(scan.bytes_read == 0x1000 - 0xb40);
}

TEST_CASE("ARM64: the lr slots of the frame-record chain are return addresses without the code", "[stack]") {
  // The shape of the real triage_arm64.dmp: fp = sp, each record {previous fp, lr} higher up, no code saved.
  FakeVirtualMemory vm;
  const std::vector<Module> modules = {{"ntoskrnl.exe", "", kNt, 0x1046000, 0, 0, ModuleKind::Kernel},
                                       {"baddrv.sys", "", kBad, 0x9000, 0, 0, ModuleKind::Kernel}};
  const uint64_t sp = 0xffffe00e0e4bc4a0;
  vm.write64(sp, sp + 0x670);        // record 0 -> record 1
  vm.write64(sp + 8, kNt + 0x5442a0);
  vm.write64(sp + 0x40, kBad + 0x10);  // a driver address that is no saved lr
  vm.write64(sp + 0x670, sp + 0x830);  // record 1 -> record 2
  vm.write64(sp + 0x678, kBad + 0x1f1c);
  vm.write64(sp + 0x830, 0);  // the chain ends
  vm.write64(sp + 0x838, kNt + 0x207de4);

  StackScanOptions options;
  options.max_bytes = 0x900;
  options.frame_pointers = {sp};
  StackScan scan = scan_stack(vm, sp, 0xAA64, modules, options);
  REQUIRE(scan.entries.size() == 4);
  CHECK(scan.entries[0].value == kNt + 0x5442a0);
  CHECK(scan.entries[0].probable_return);
  CHECK(scan.entries[1].value == kBad + 0x10);
  CHECK_FALSE(scan.entries[1].probable_return);
  CHECK(scan.entries[2].value == kBad + 0x1f1c);
  CHECK(scan.entries[2].probable_return);
  CHECK(scan.entries[3].value == kNt + 0x207de4);
  CHECK(scan.entries[3].probable_return);

  SECTION("without the fp, nothing can be confirmed") {
    StackScan plain = scan_stack(vm, sp, 0xAA64, modules, StackScanOptions{0x900, 1024, {}});
    REQUIRE(plain.entries.size() == 4);
    for (const auto& e : plain.entries) CHECK_FALSE(e.probable_return);
  }
  SECTION("a record that points down the stack ends the chain") {
    vm.write64(sp + 0x670, sp + 0x10);
    StackScan loop = scan_stack(vm, sp, 0xAA64, modules, options);
    CHECK(loop.entries[2].probable_return);
    CHECK_FALSE(loop.entries[3].probable_return);
  }
  SECTION("x64 has no such chain") {
    StackScan x64 = scan_stack(vm, sp, 0x8664, modules, options);
    for (const auto& e : x64.entries) CHECK_FALSE(e.probable_return);
  }
}

TEST_CASE("Thumb-2 calls before a return address: BL, BLX immediate, BLX register", "[stack]") {
  auto check = [](std::vector<uint8_t> b) { return ends_with_call_thumb(b); };
  CHECK(check({0x00, 0xf0, 0xa2, 0xf8}));   // bl (f000 f8a2)
  CHECK(check({0x12, 0xf4, 0x34, 0xe8}));   // blx immediate (f412 e834: bit 12 clear, bit 0 clear)
  CHECK(check({0x00, 0xbf, 0x98, 0x47}));   // nop; blx r3
  CHECK_FALSE(check({0x00, 0xbf, 0x00, 0xbf}));  // nop; nop
  CHECK_FALSE(check({0x00, 0xf0, 0x00, 0xb8}));  // b.w (second halfword 10x1): a branch, not a call
  CHECK_FALSE(check({0x00, 0xbf, 0x18, 0x47}));  // bx r3: no link
  CHECK_FALSE(check({0x98, 0x47}));              // too short
  CHECK(code_address(0x9a101235, 0x1c4) == 0x9a101234);
  CHECK(code_address(0x9a101235, 0x14c) == 0x9a101235);
}
