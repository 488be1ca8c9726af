// sample.dmp end to end: a Windows 10 x64 full dump whose baddrv.sys raised DRIVER_IRQL_NOT_LESS_OR_EQUAL, from the
// file through the page tables, the KDBG, the processors and the loader lists to the culprit and the summary.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "kdmp/exception.hpp"
#include "kdmp/kdbg.hpp"
#include "kdmp/summary.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {
constexpr uint64_t kNt = 0xfffff80312800000, kBad = 0xfffff80312340000, kSp = 0xffffd0012345e8c0;
constexpr uint64_t kKernelEntries = 0xffffc2054a6f3000, kThread = 0xffffc50a1b2c3080;
}  // namespace

TEST_CASE("sample.dmp: header of a Windows 10 x64 full dump", "[system]") {
  const auto bytes = build_dump(sample());
  CHECK(bytes.size() < 1024 * 1024);  // served by npm start and fetched by the browser tests
  CHECK(bytes == fixture_bytes("sample.dmp"));
  Analyzed a(bytes);
  const DumpHeader& h = a.dump->header();
  CHECK(h.dump_type == 1);
  CHECK(h.machine_image_type == 0x8664);
  CHECK(h.minor_version == 19041);
  CHECK(h.number_processors == 4);
  CHECK(h.directory_table_base == 0x100002);  // the root table at 0x100000, PCID 2
  CHECK(h.ps_loaded_module_list == 0xfffff80312a2a2b0);
  CHECK(h.kd_debugger_data_block == 0xfffff80312a00ba0);
  CHECK(h.bugcheck_code == 0xd1);
  CHECK(h.bugcheck_parameters == std::array<uint64_t, 4>{0x28, 2, 0, 0xfffff8031234abcd});
  CHECK(h.comment == "kdmpview sample dump");
  CHECK(h.system_time == 0x01da6bd4de503c50);
  CHECK(a.dump->warnings().empty());
  CHECK(a.warning_codes().empty());
}

TEST_CASE("sample.dmp: context and exception", "[system]") {
  Analyzed a(sample());
  REQUIRE(a.analysis.context);
  const Context& c = *a.analysis.context;
  CHECK(c.machine == 0x8664);
  CHECK(c.instruction_pointer == 0xfffff8031234abcd);
  CHECK(c.stack_pointer == kSp);
  CHECK(a.reg("rip") == 0xfffff8031234abcd);
  CHECK(a.reg("rsp") == kSp);
  CHECK(a.reg("rbp") == kSp + 0x80);
  CHECK(a.reg("rax") == 0xffffc50a1e3f7010);
  CHECK(a.reg("rbx") == kThread);
  CHECK(a.reg("rcx") == 0);
  CHECK(a.reg("rdx") == 2);
  CHECK(a.reg("r8") == 0x28);
  CHECK(a.reg("rflags") == 0x10282);
  CHECK(a.reg("cs") == 0x10);
  CHECK(a.reg("ss") == 0x18);

  REQUIRE(a.analysis.exception);
  const ExceptionRecord& e = *a.analysis.exception;
  CHECK(e.code == 0xc0000005);
  CHECK(std::string(exception_code_name(e.code)) == "STATUS_ACCESS_VIOLATION");
  CHECK(e.address == 0xfffff8031234abcd);
  CHECK(e.parameters == std::vector<uint64_t>{0, 0x28});
}

TEST_CASE("sample.dmp: kernel and user modules", "[system]") {
  Analyzed a(sample());
  CHECK(a.analysis.modules.warnings.empty());
  CHECK(a.module_names() == std::vector<std::string>{"app.exe", "KERNEL32.DLL", "ntdll.dll", "baddrv.sys",
                                                       "ntoskrnl.exe", "ndis.sys", "Ntfs.sys", "kbdhid.sys",
                                                       "kd.dll", "hal.dll"});
  struct Row {
    const char* name;
    ModuleKind kind;
    uint64_t base, size;
    uint32_t checksum, timestamp;
    const char* path;
  };
  const Row rows[] = {
      {"app.exe", ModuleKind::User, 0x7ff6b2a30000, 0x25000, 0, 0x5a1b2c3d, "C:\\Program Files\\App\\app.exe"},
      {"KERNEL32.DLL", ModuleKind::User, 0x7ffd5d4a0000, 0xbd000, 0, 0x3e1f0a9c,
       "C:\\Windows\\System32\\KERNEL32.DLL"},
      {"ntdll.dll", ModuleKind::User, 0x7ffd5e9b0000, 0x1f8000, 0, 0x8d3c1a2b, "C:\\Windows\\SYSTEM32\\ntdll.dll"},
      {"baddrv.sys", ModuleKind::Kernel, kBad, 0x10000, 0x1c0de, 0x61e8a0b3,
       "\\SystemRoot\\System32\\drivers\\baddrv.sys"},
      {"ntoskrnl.exe", ModuleKind::Kernel, kNt, 0x1046000, 0xa5d3f1, 0x5f8e2a1b,
       "\\SystemRoot\\system32\\ntoskrnl.exe"},
      {"ndis.sys", ModuleKind::Kernel, 0xfffff80314800000, 0x11c000, 0x11f93e, 0x8d3f7e21,
       "\\SystemRoot\\System32\\drivers\\ndis.sys"},
      {"Ntfs.sys", ModuleKind::Kernel, 0xfffff80314a00000, 0x2f9000, 0x2f6c1e, 0x4f1e2d3c,
       "\\SystemRoot\\System32\\Drivers\\Ntfs.sys"},
      {"kbdhid.sys", ModuleKind::Kernel, 0xfffff80316c20000, 0xf000, 0x16a2c, 0x7c3b1d5e,
       "\\SystemRoot\\System32\\drivers\\kbdhid.sys"},
      {"kd.dll", ModuleKind::Kernel, 0xfffff80340c00000, 0xb000, 0x1a0b2, 0x9e0c2fd4, "\\SystemRoot\\system32\\kd.dll"},
      {"hal.dll", ModuleKind::Kernel, 0xfffff80340e00000, 0x6b000, 0x7a3f1, 0x8f4a2e7c,
       "\\SystemRoot\\system32\\hal.dll"},
  };
  for (const Row& r : rows) {
    INFO(r.name);
    const Module* m = a.module(r.name, r.kind);
    REQUIRE(m != nullptr);
    CHECK(m->base == r.base);
    CHECK(m->size == r.size);
    CHECK(m->checksum == r.checksum);
    CHECK(m->timestamp == r.timestamp);
    CHECK(m->path == r.path);
  }
}

TEST_CASE("sample.dmp: the crashing thread is processor 2's, found by its saved context", "[system]") {
  Analyzed a(sample());
  auto kdbg = read_kdbg(*a.vm, Gva(0xfffff80312a00ba0));
  REQUIRE(kdbg.ok());
  CHECK(kdbg->kern_base == kNt);
  CHECK(kdbg->ps_loaded_module_list == 0xfffff80312a2a2b0);
  CHECK(kdbg->ki_processor_block == 0xfffff80312a31e40);
  auto t = find_crashing_thread(*a.vm, *kdbg, 4, *a.analysis.context);
  REQUIRE(t.ok());
  CHECK(t->processor == 2);
  CHECK(t->prcb == 0xffffa001e7c10180);
  CHECK(t->thread == kThread);
  CHECK(t->teb == 0xa3c5f4e000);
  CHECK(t->matched);
  CHECK(t->how == "saved context");
}

TEST_CASE("sample.dmp: the stack scan", "[system]") {
  Analyzed a(sample());
  const StackScan& s = a.analysis.stack;
  CHECK(s.start == kSp);
  CHECK(s.bytes_read == 0xffffd00123460000 - kSp);  // up to InitialStack, where the mapped stack ends
  CHECK(s.warnings.empty());
  CHECK(entries_of(s) == std::vector<ExpectedEntry>{
                             {kSp + 0x08, 0xfffff8031482a010, "ndis.sys", 0x2a010, false},
                             {kSp + 0x10, 0xfffff80312a00003, "ntoskrnl.exe", 0x200003, true},
                             {kSp + 0x20, 0xfffff80312341234, "baddrv.sys", 0x1234, true},
                             {kSp + 0x28, 0xfffff80340e2a8f0, "hal.dll", 0x2a8f0, false},
                             {kSp + 0x30, 0xfffff80314a4c2f1, "Ntfs.sys", 0x4c2f1, true},
                             {kSp + 0x40, 0xfffff80312bf5a10, "ntoskrnl.exe", 0x3f5a10, true},
                         });
  // The values between them are not in any module: the faulting pointer, a stack address, the thread.
  CHECK(a.read_pointer(kSp) == 0x28);
  CHECK(a.read_pointer(kSp + 0x18) == kSp + 0x80);
  CHECK(a.read_pointer(kSp + 0x38) == kThread);
}

TEST_CASE("sample.dmp: the culprit is baddrv.sys", "[system]") {
  Analyzed a(sample());
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.module->base == kBad);
  CHECK(c.address == 0xfffff8031234abcd);
  CHECK(c.offset == 0xabcd);
  CHECK(c.reason == "bug check 0xD1 parameter 4 (address that referenced memory)");

  const std::string json = summary_json(*a.dump);
  CHECK_THAT(json, Catch::Contains(R"("culprit":{"module":"baddrv.sys","base":"0xfffff80312340000",)"
                                   R"("address":"0xfffff8031234abcd","offset":"0xabcd","symbol":"baddrv+0xabcd",)"
                                   R"j("reason":"bug check 0xD1 parameter 4 (address that referenced memory)"})j"));
  CHECK_THAT(json, Catch::Contains(R"("name":"baddrv.sys","path":"\\SystemRoot\\System32\\drivers\\baddrv.sys",)"
                                   R"("base":"0xfffff80312340000","size":"0x10000")"));
  CHECK_THAT(json, Catch::Contains(R"({"stackAddress":"0xffffd0012345e8e0","value":"0xfffff80312341234",)"
                                   R"("module":"baddrv.sys","offset":"0x1234","symbol":"baddrv+0x1234",)"
                                   R"("probableReturn":true})"));
  CHECK_THAT(json, Catch::Contains(R"("warnings":[])"));
}

TEST_CASE("sample.dmp: virtual reads through the dump's page tables", "[system]") {
  Analyzed a(sample());
  // baddrv.sys's KLDR_DATA_TABLE_ENTRY (the sixth): BaseDllName {Length 20, MaximumLength 22, Buffer} at +0x58.
  const uint64_t entry = kKernelEntries + 5 * 0x400;
  const auto name = a.read(entry + 0x58, 16);
  REQUIRE(name.size() == 16);
  CHECK(le::u16(name, 0) == 20);
  CHECK(le::u16(name, 2) == 22);
  CHECK(le::u64(name, 8) == entry + 0x300);
  CHECK(a.read(entry + 0x300, 20) == utf16le("baddrv.sys"));
  CHECK(a.read_pointer(entry + 0x30) == kBad);  // DllBase
  // FullDllName's buffer.
  const auto full = a.read(entry + 0x48, 16);
  REQUIRE(full.size() == 16);
  CHECK(le::u16(full, 0) == 78);
  CHECK(a.read(le::u64(full, 8), 78) == utf16le("\\SystemRoot\\System32\\drivers\\baddrv.sys"));
  // The list head links to ntoskrnl.exe's entry, and the last entry back to the head.
  CHECK(a.read_pointer(0xfffff80312a2a2b0) == kKernelEntries);
  CHECK(a.read_pointer(0xfffff80312a2a2b8) == kKernelEntries + 6 * 0x400);
  CHECK(a.read_pointer(kKernelEntries + 6 * 0x400) == 0xfffff80312a2a2b0);
  // The faulting instruction at rip, the PE header at the image base, the KDBG tag.
  CHECK(a.read(0xfffff8031234abcd, 4) == std::vector<uint8_t>{0x48, 0x8b, 0x41, 0x28});  // mov rax, [rcx+28h]
  CHECK(a.read(kBad, 2) == ascii("MZ"));
  CHECK(a.read(kBad + 0x80, 4) == ascii(std::string("PE\0\0", 4)));
  CHECK(a.read(0xfffff80312a00ba0 + 0x10, 4) == ascii("KDBG"));
  // The return into baddrv.sys follows E8 rel32; the one into Ntfs.sys follows FF 15 disp32.
  CHECK(a.read(kBad + 0x1234 - 5, 5) == std::vector<uint8_t>{0xe8, 0x10, 0x20, 0x30, 0x00});
  CHECK(a.read(0xfffff80314a4c2f1 - 6, 6) == std::vector<uint8_t>{0xff, 0x15, 0x42, 0x13, 0x05, 0x00});
  // No call before the pointer into ndis.sys: int3 padding.
  CHECK(a.read(0xfffff8031482a010 - 8, 8) == std::vector<uint8_t>(8, 0xcc));
  // User space through the same DirectoryTableBase: TEB -> PEB -> Ldr -> the first user entry, app.exe.
  CHECK(a.read_pointer(0xa3c5f4e000 + 0x30) == 0xa3c5f4e000);  // NT_TIB.Self
  CHECK(a.read_pointer(0xa3c5f4e000 + 0x60) == 0xa3c5f4d000);
  CHECK(a.read_pointer(0xa3c5f4d000 + 0x10) == 0x7ff6b2a30000);  // ImageBaseAddress
  CHECK(a.read_pointer(0xa3c5f4d000 + 0x18) == 0x7ffd5eb1c4c0);
  CHECK(a.read_pointer(0x7ffd5eb1c4c0 + 0x10) == 0x201a4e20000);
  CHECK(a.read(0x201a4e20000 + 0x300, 14) == utf16le("app.exe"));
  // 16 bytes across a page boundary inside ntoskrnl.exe.
  CHECK(a.read(kNt + 0x3ffff8, 16) == ascii("kdmpview-marker!"));
  // Pages nothing was written to are not in the dump.
  std::vector<uint8_t> b(8);
  auto missing = a.vm->read_virtual_exact(Gva(kNt + 0x100000), b);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::NotPresent);
  CHECK(missing.error().where == kNt + 0x100000);
}
