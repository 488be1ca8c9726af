// system-x86-pae.dmp (Windows 10 19041, PAE, 2 MiB kernel pages) and system-x86.dmp (Windows 7 SP1 without PAE,
// 4 MiB kernel pages, KLDR entries without TimeDateStamp): 32-bit PAGEDUMP full dumps, x86 context, 32-bit module
// lists and 4-byte stack slots.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "kdmp/virtual_reader.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {
constexpr uint64_t kNt = 0x82800000, kBad = 0x9a100000, kSp = 0x9a3e6b40;

const std::vector<ExpectedEntry> kStack = {
    {kSp + 0x04, 0x88e86010, "ndis.sys", 0x2a010, false},
    {kSp + 0x08, 0x82a00003, "ntoskrnl.exe", 0x200003, true},
    {kSp + 0x10, 0x9a101234, "baddrv.sys", 0x1234, true},
    {kSp + 0x14, 0x8302a8f0, "hal.dll", 0x2a8f0, false},
    {kSp + 0x18, 0x8be682f1, "Ntfs.sys", 0x4c2f1, true},      // after FF 15 disp32 (call [abs])
    {kSp + 0x20, 0x82bf5a10, "ntoskrnl.exe", 0x3f5a10, true},  // after FF D0 (call eax)
};

void check_context(const Analyzed& a) {
  REQUIRE(a.analysis.context);
  CHECK(a.analysis.context->machine == 0x14c);
  CHECK(a.reg("eip") == kBad + 0x4bcd);
  CHECK(a.reg("esp") == kSp);
  CHECK(a.reg("ebp") == kSp + 0x40);
  CHECK(a.reg("eax") == 0x86d1e010);
  CHECK(a.reg("ebx") == 0x86a3bd48);
  CHECK(a.reg("ecx") == 0);
  CHECK(a.reg("eflags") == 0x10282);
  CHECK(a.reg("cs") == 0x8);
  CHECK(a.read(kBad + 0x4bcd, 3) == std::vector<uint8_t>{0x8b, 0x41, 0x28});  // mov eax, [ecx+28h]
  REQUIRE(a.analysis.exception);
  CHECK(a.analysis.exception->code == 0xc0000005);
  CHECK(a.analysis.exception->address == kBad + 0x4bcd);
  CHECK(a.analysis.exception->parameters == std::vector<uint64_t>{0, 0x28});
}

void check_user_modules(const Analyzed& a) {
  const Module* app = a.module("app.exe", ModuleKind::User);
  REQUIRE(app != nullptr);
  CHECK(app->base == 0x400000);
  CHECK(app->size == 0x25000);
  CHECK(app->timestamp == 0x5a1b2c3d);
  CHECK(app->path == "C:\\Program Files\\App\\app.exe");
  const Module* ntdll = a.module("ntdll.dll", ModuleKind::User);
  REQUIRE(ntdll != nullptr);
  CHECK(ntdll->base == 0x77a60000);
  CHECK(ntdll->size == 0x13c000);
  // The TEB (NT_TIB.Self at +0x18), the PEB at +0x30, its Ldr at +0xc.
  CHECK(a.read_pointer(0x7ffde000 + 0x18) == 0x7ffde000);
  CHECK(a.read_pointer(0x7ffde000 + 0x30) == 0x7ffdf000);
  CHECK(a.read_pointer(0x7ffdf000 + 0xc) == 0x77b27880);
  CHECK(a.read(0x00290000 + 0x300, 14) == utf16le("app.exe"));
}

}  // namespace

TEST_CASE("system-x86-pae.dmp: Windows 10 x86 with PAE", "[system]") {
  Analyzed a(system_x86_pae());
  const DumpHeader& h = a.dump->header();
  CHECK_FALSE(h.is64);
  CHECK(h.machine_image_type == 0x14c);
  CHECK(h.pae_enabled);
  CHECK(h.dump_type == 1);
  CHECK(h.minor_version == 19041);
  CHECK(h.number_processors == 2);
  CHECK(h.directory_table_base == 0x1003a0);  // a 32-byte aligned PDPT
  CHECK(h.ps_loaded_module_list == 0x8294d850);
  CHECK(h.kd_debugger_data_block == 0x8293fc28);
  CHECK(a.warning_codes() == std::vector<std::string>{});
  check_context(a);

  auto* reader = dynamic_cast<VirtualReader*>(a.vm.get());
  REQUIRE(reader != nullptr);
  CHECK(reader->mode() == PagingMode::X86Pae);
  auto t = reader->translate(Gva(kNt));
  REQUIRE(t.ok());
  CHECK(t->page_size == 0x200000);
  CHECK(t->gpa == Gpa(0x1600000));  // four 2 MiB pages in reverse order from 0x1000000
  CHECK(a.read(kNt + 0x3ffff8, 16) == ascii("kdmpview-marker!"));  // across pages at 0x1400000 and 0x1200000

  CHECK(a.module_names() == std::vector<std::string>{"app.exe", "kernel32.dll", "ntdll.dll", "kd.dll",
                                                       "ntoskrnl.exe", "hal.dll", "ndis.sys", "kbdhid.sys",
                                                       "Ntfs.sys", "baddrv.sys"});
  const Module* nt = a.module("ntoskrnl.exe", ModuleKind::Kernel);
  REQUIRE(nt != nullptr);
  CHECK(nt->base == kNt);
  CHECK(nt->size == 0x6a5000);
  CHECK(nt->checksum == 0x69e0c3);
  CHECK(nt->timestamp == 0x3f2b1a0c);  // from the KLDR entry (build 19041)
  CHECK(nt->path == "\\SystemRoot\\system32\\ntoskrnl.exe");
  const Module* bad = a.module("baddrv.sys", ModuleKind::Kernel);
  REQUIRE(bad != nullptr);
  CHECK(bad->base == kBad);
  CHECK(bad->size == 0x9000);
  check_user_modules(a);

  CHECK(a.analysis.stack.bytes_read == 0x14c0);
  CHECK(entries_of(a.analysis.stack) == kStack);
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.address == 0x9a104bcd);
  CHECK(c.offset == 0x4bcd);
  CHECK(c.reason == "bug check 0x8E parameter 2 (address where the exception occurred)");
}

TEST_CASE("system-x86.dmp: Windows 7 x86 without PAE", "[system]") {
  Analyzed a(system_x86());
  const DumpHeader& h = a.dump->header();
  CHECK_FALSE(h.is64);
  CHECK_FALSE(h.pae_enabled);
  CHECK(h.dump_type == 1);
  CHECK(h.minor_version == 7601);
  CHECK(h.directory_table_base == 0x100000);
  CHECK(h.bugcheck_code == 0xd1);
  CHECK(h.bugcheck_parameters == std::array<uint64_t, 4>{0x28, 2, 0, 0x9a104bcd});
  CHECK(a.warning_codes() == std::vector<std::string>{});
  check_context(a);

  auto* reader = dynamic_cast<VirtualReader*>(a.vm.get());
  REQUIRE(reader != nullptr);
  CHECK(reader->mode() == PagingMode::X86);
  auto t = reader->translate(Gva(kNt + 0x13fc28));
  REQUIRE(t.ok());
  CHECK(t->page_size == 0x400000);
  CHECK(t->gpa == Gpa(0x153fc28));  // two 4 MiB pages in reverse order from 0x1000000; PAT (bit 12) masked
  CHECK(a.read(kNt + 0x3ffff8, 16) == ascii("kdmpview-marker!"));  // across the 4 MiB pages at 0x1400000, 0x1000000

  CHECK(a.module_names() == std::vector<std::string>{"app.exe", "kernel32.dll", "ntdll.dll", "kdcom.dll",
                                                       "ntoskrnl.exe", "hal.dll", "ndis.sys", "kbdhid.sys",
                                                       "Ntfs.sys", "baddrv.sys"});
  // Before build 10240 the KLDR entry has no TimeDateStamp: it comes from the image's PE header.
  const Module* nt = a.module("ntoskrnl.exe", ModuleKind::Kernel);
  REQUIRE(nt != nullptr);
  CHECK(nt->size == 0x40d000);
  CHECK(nt->checksum == 0x3d2f11);
  CHECK(nt->timestamp == 0x4ce7951a);
  const Module* hal = a.module("hal.dll", ModuleKind::Kernel);
  REQUIRE(hal != nullptr);
  CHECK(hal->path == "\\SystemRoot\\system32\\halmacpi.dll");
  CHECK(hal->timestamp == 0x4ce78a09);
  check_user_modules(a);

  CHECK(entries_of(a.analysis.stack) == kStack);
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.offset == 0x4bcd);
  CHECK(c.reason == "bug check 0xD1 parameter 4 (address that referenced memory)");
}
