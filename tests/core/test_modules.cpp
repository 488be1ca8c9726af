#include <catch2/catch.hpp>

#include <algorithm>

#include "kdmp/kdbg.hpp"
#include "kdmp/le.hpp"
#include "kdmp/modules.hpp"
#include "kernel_structures.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;

namespace {

bool has_warning(const ModuleList& list, const std::string& code) {
  for (const Warning& w : list.warnings) {
    if (w.code == code) return true;
  }
  return false;
}

const Warning& warning(const ModuleList& list, const std::string& code) {
  for (const Warning& w : list.warnings) {
    if (w.code == code) return w;
  }
  FAIL("no warning " << code);
  throw;  // unreachable
}

std::vector<std::string> names(const std::vector<Module>& modules) {
  std::vector<std::string> out;
  for (const Module& m : modules) out.push_back(m.name);
  return out;
}

ModuleList walk(FakeVirtualMemory& vm, uint64_t head, const LoaderEntryLayout& layout) {
  ModuleList out;
  walk_module_list(vm, head, layout, ModuleKind::Kernel, "kernel module list", out);
  return out;
}

}  // namespace

// ---- KDBG ----

TEST_CASE("KDBG fields at their offsets", "[kdbg]") {
  KdbgSpec spec;
  spec.kern_base = 0xfffff80312200000;
  spec.ps_loaded_module_list = 0xfffff80312a2a2b0;
  spec.ps_active_process_head = 0xfffff80312a1f5a0;
  spec.ki_processor_block = 0xfffff80312a31000;
  spec.offset_kthread_teb = 0xf0;
  spec.offset_kthread_initial_stack = 0x28;
  spec.offset_prcb_current_thread = 0x8;
  spec.offset_prcb_proc_state_context = 0x130;
  spec.offset_prcb_context = 0x6d40;
  auto k = parse_kdbg(kdbg_bytes(spec, 8), 8, 0xfffff80312a00ba0);
  REQUIRE(k.ok());
  CHECK(k->address == 0xfffff80312a00ba0);
  CHECK(k->size == 0x368);
  CHECK(k->kern_base == 0xfffff80312200000);
  CHECK(k->ps_loaded_module_list == 0xfffff80312a2a2b0);
  CHECK(k->ps_active_process_head == 0xfffff80312a1f5a0);
  CHECK(k->ki_processor_block == 0xfffff80312a31000);
  CHECK(k->offset_kthread_teb == 0xf0);
  CHECK(k->offset_kthread_initial_stack == 0x28);
  CHECK(k->offset_prcb_current_thread == 0x8);
  CHECK(k->offset_prcb_proc_state_context == 0x130);
  CHECK(k->offset_prcb_context == 0x6d40);
}

TEST_CASE("A 32-bit kernel's KDBG keeps the low 32 bits of its sign-extended pointers", "[kdbg]") {
  KdbgSpec spec;
  spec.kern_base = 0x82a0b000;
  spec.ps_loaded_module_list = 0x82b4d850;
  spec.ki_processor_block = 0x82b5f000;
  const auto bytes = kdbg_bytes(spec, 4);
  CHECK(le::u64(bytes, 0x18) == 0xffffffff82a0b000);  // as stored
  auto k = parse_kdbg(bytes, 4);
  REQUIRE(k.ok());
  CHECK(k->kern_base == 0x82a0b000);
  CHECK(k->ps_loaded_module_list == 0x82b4d850);
  CHECK(k->ki_processor_block == 0x82b5f000);
}

TEST_CASE("KDBG: encoded, implausible and short blocks", "[kdbg]") {
  KdbgSpec spec;
  spec.owner_tag = 0x8d3a21f7;  // what KdpDataBlockEncoded leaves there
  auto encoded = parse_kdbg(kdbg_bytes(spec, 8), 8, 0xfffff80312a00ba0);
  REQUIRE_FALSE(encoded.ok());
  CHECK(encoded.error().code == ErrorCode::Unsupported);
  CHECK(encoded.error().message == "KDBG at 0xfffff80312a00ba0 is encoded or invalid (OwnerTag 0x8d3a21f7)");
  CHECK(encoded.error().where == 0xfffff80312a00ba0);

  spec = KdbgSpec{};
  spec.size = 0x40;
  auto tiny = parse_kdbg(kdbg_bytes(spec, 8), 8);
  REQUIRE_FALSE(tiny.ok());
  CHECK(tiny.error().message == "KDBG at 0x0 has an implausible Size 0x40");

  // An old block (Size 0x290) ends before the KTHREAD/KPRCB offsets: those read as 0.
  spec = KdbgSpec{};
  spec.size = 0x290;
  spec.ki_processor_block = 0xfffff80312a31000;
  spec.offset_kthread_teb = 0xf0;
  spec.offset_prcb_context = 0x6d40;
  auto old = parse_kdbg(kdbg_bytes(spec, 8), 8);
  REQUIRE(old.ok());
  CHECK(old->ki_processor_block == 0xfffff80312a31000);
  CHECK(old->offset_kthread_teb == 0);
  CHECK(old->offset_prcb_context == 0);

  CHECK_FALSE(parse_kdbg(std::vector<uint8_t>(0x10, 0), 8).ok());
}

TEST_CASE("read_kdbg through virtual memory", "[kdbg]") {
  FakeVirtualMemory vm;
  System sys = build_system(vm, {});
  auto k = read_kdbg(vm, Gva(sys.kdbg));
  REQUIRE(k.ok());
  CHECK(k->ps_loaded_module_list == sys.kernel_list_head);
  CHECK(k->offset_prcb_context == 0x6d40);

  auto missing = read_kdbg(vm, Gva(0xfffff80399990000));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::NotPresent);
  CHECK(missing.error().message ==
        "KDBG at 0xfffff80399990000 is unreadable: virtual address 0xfffff80399990000 is not mapped");

  vm.write32(sys.kdbg + 0x10, 0x11223344);
  auto encoded = read_kdbg(vm, Gva(sys.kdbg));
  REQUIRE_FALSE(encoded.ok());
  CHECK(encoded.error().message == "KDBG at 0xfffff80312a00ba0 is encoded or invalid (OwnerTag 0x11223344)");
}

TEST_CASE("The crashing processor is the one whose saved context has the stack pointer", "[kdbg]") {
  for (uint32_t cpu : {0u, 1u}) {
    FakeVirtualMemory vm;
    SystemSpec spec;
    spec.crashing_processor = cpu;
    System sys = build_system(vm, spec);
    auto k = read_kdbg(vm, Gva(sys.kdbg));
    REQUIRE(k.ok());
    auto t = find_crashing_thread(vm, *k, 2, sys.context);
    REQUIRE(t.ok());
    CHECK(t->processor == cpu);
    CHECK(t->prcb == sys.prcbs[cpu]);
    CHECK(t->thread == 0xffffc50a1b2c3080);
    CHECK(t->teb == 0x0000000000b3e000);
    CHECK(t->matched);
    CHECK(t->how == "saved context");
  }
}

TEST_CASE("Without saved contexts the thread whose kernel stack holds the stack pointer is chosen", "[kdbg]") {
  FakeVirtualMemory vm;
  SystemSpec spec;
  spec.save_contexts = false;
  System sys = build_system(vm, spec);
  auto k = read_kdbg(vm, Gva(sys.kdbg));
  REQUIRE(k.ok());
  auto t = find_crashing_thread(vm, *k, 2, sys.context);
  REQUIRE(t.ok());
  CHECK(t->processor == 1);
  CHECK(t->thread == 0xffffc50a1b2c3080);
  CHECK(t->how == "thread stack");
}

TEST_CASE("No processor matches: processor 0, not matched", "[kdbg]") {
  FakeVirtualMemory vm;
  System sys = build_system(vm, {});
  Context ctx = sys.context;
  ctx.stack_pointer = 0xffffd00999990000;
  auto k = read_kdbg(vm, Gva(sys.kdbg));
  REQUIRE(k.ok());
  auto t = find_crashing_thread(vm, *k, 2, ctx);
  REQUIRE(t.ok());
  CHECK(t->processor == 0);
  CHECK_FALSE(t->matched);
  CHECK(t->how == "no processor matched the context's stack pointer; assumed processor 0");
  CHECK(t->thread == 0xfffff80312b27a00);
  CHECK(t->teb == 0xa00000);
}

// ---- module lists ----

TEST_CASE("Kernel and user modules of an x64 system", "[modules]") {
  FakeVirtualMemory vm;
  System sys = build_system(vm, {});
  ModuleList list = load_modules(vm, sys.header, sys.context);
  CHECK(list.warnings.empty());
  REQUIRE(list.modules.size() == 8);
  // Sorted by base: user modules first.
  CHECK(names(list.modules) == std::vector<std::string>{"app.exe", "KERNEL32.DLL", "ntdll.dll", "hal.dll",
                                                        "ntoskrnl.exe", "kdcom.dll", "ndis.sys", "baddrv.sys"});
  const Module& app = list.modules[0];
  CHECK(app.path == "C:\\Program Files\\App\\app.exe");
  CHECK(app.base == 0x00007ff6b2a30000);
  CHECK(app.size == 0x25000);
  CHECK(app.timestamp == 0x5a1b2c3d);
  CHECK(app.checksum == 0);  // LDR_DATA_TABLE_ENTRY has none and no PE header is mapped
  CHECK(app.kind == ModuleKind::User);

  const Module& nt = list.modules[4];
  CHECK(nt.name == "ntoskrnl.exe");
  CHECK(nt.path == "\\SystemRoot\\system32\\ntoskrnl.exe");
  CHECK(nt.base == 0xfffff80312200000);
  CHECK(nt.size == 0x1046000);
  CHECK(nt.checksum == 0x00a5d3f1);
  CHECK(nt.timestamp == 0x5f8e2a1b);
  CHECK(nt.kind == ModuleKind::Kernel);

  const Module& kd = list.modules[5];
  CHECK(kd.name == "kdcom.dll");  // BaseDllName, even though the file is kd.dll
  CHECK(kd.path == "\\SystemRoot\\system32\\kd.dll");

  const Module& bad = list.modules[7];
  CHECK(bad.name == "baddrv.sys");
  CHECK(bad.path == "\\??\\C:\\Drivers\\baddrv.sys");
  CHECK(bad.base == 0xfffff80318e40000);
  CHECK(bad.size == 0x9000);
  CHECK(bad.checksum == 0x12345);
  CHECK(bad.timestamp == 0x5e0a1b2c);
  CHECK(std::string(module_kind_name(bad.kind)) == "kernel");
}

TEST_CASE("Before Windows 10 the kernel timestamps come from the PE headers", "[modules]") {
  FakeVirtualMemory vm;
  SystemSpec spec;
  spec.build = 9600;
  System sys = build_system(vm, spec);
  write_pe_header(vm, 0xfffff80312200000, 0x545047b9, 0x0070a1c3);
  ModuleList list = load_modules(vm, sys.header, sys.context);
  CHECK(list.warnings.empty());
  const Module* nt = find_module(list.modules, 0xfffff80312200000);
  REQUIRE(nt != nullptr);
  CHECK(nt->timestamp == 0x545047b9);  // not the 0x9c field, which that kernel does not have
  CHECK(nt->checksum == 0x00a5d3f1);   // CheckSum at 0x78 is there in every version
  const Module* bad = find_module(list.modules, 0xfffff80318e40000);
  REQUIRE(bad != nullptr);
  CHECK(bad->timestamp == 0);  // no PE header mapped: unknown
}

TEST_CASE("User-module checksums come from the PE header", "[modules]") {
  FakeVirtualMemory vm;
  System sys = build_system(vm, {});
  write_pe_header(vm, 0x00007ffd5e9b0000, 0x11111111, 0x001f5a3b);
  ModuleList list = load_modules(vm, sys.header, sys.context);
  const Module* ntdll = find_module(list.modules, 0x00007ffd5e9b0000 + 0x1234);
  REQUIRE(ntdll != nullptr);
  CHECK(ntdll->name == "ntdll.dll");
  CHECK(ntdll->checksum == 0x001f5a3b);
  CHECK(ntdll->timestamp == 0x8d3c1a2b);  // the entry's TimeDateStamp wins over the PE header's
}

TEST_CASE("A WoW64 process has a native and a 32-bit module list", "[modules]") {
  FakeVirtualMemory vm;
  SystemSpec spec;
  spec.user_modules = wow64_native_modules();
  spec.wow64_modules = wow64_32bit_modules();
  System sys = build_system(vm, spec);
  CHECK(sys.teb32 == 0xb40000);
  ModuleList list = load_modules(vm, sys.header, sys.context);
  CHECK(list.warnings.empty());
  REQUIRE(list.modules.size() == 5 + 4 + 3);
  std::vector<const Module*> user32;
  for (const Module& m : list.modules) {
    if (m.kind == ModuleKind::User32) user32.push_back(&m);
  }
  REQUIRE(user32.size() == 3);
  CHECK(user32[0]->name == "app32.exe");
  CHECK(user32[0]->base == 0x00e40000);
  CHECK(user32[0]->size == 0x31000);
  CHECK(user32[1]->name == "KERNEL32.DLL");
  CHECK(user32[1]->path == "C:\\Windows\\SysWOW64\\KERNEL32.DLL");
  CHECK(user32[1]->base == 0x76f30000);
  CHECK(user32[1]->timestamp == 0x4a5b6c7d);
  CHECK(user32[2]->name == "ntdll.dll");
  CHECK(user32[2]->base == 0x77b10000);
  CHECK(user32[2]->size == 0x1a3000);
  CHECK(std::string(module_kind_name(ModuleKind::User32)) == "user32");
  const Module* wow64cpu = find_module(list.modules, 0x77a40010);
  REQUIRE(wow64cpu != nullptr);
  CHECK(wow64cpu->name == "wow64cpu.dll");
  CHECK(wow64cpu->kind == ModuleKind::User);
}

TEST_CASE("A system thread has no user modules and no warning", "[modules]") {
  FakeVirtualMemory vm;
  SystemSpec spec;
  spec.system_thread = true;
  System sys = build_system(vm, spec);
  ModuleList list = load_modules(vm, sys.header, sys.context);
  CHECK(list.warnings.empty());
  CHECK(names(list.modules) ==
        std::vector<std::string>{"hal.dll", "ntoskrnl.exe", "kdcom.dll", "ndis.sys", "baddrv.sys"});
}

TEST_CASE("An x86 system: 32-bit entries and a sign-extended KDBG", "[modules]") {
  FakeVirtualMemory vm(4);
  SystemSpec spec;
  spec.pointer_size = 4;
  spec.build = 7601;
  System sys = build_system(vm, spec);
  write_pe_header(vm, 0x9a100000, 0x5e0a1b2c, 0);
  ModuleList list = load_modules(vm, sys.header, sys.context);
  CHECK(list.warnings.empty());
  CHECK(names(list.modules) == std::vector<std::string>{"app.exe", "kernel32.dll", "ntdll.dll", "kdcom.dll",
                                                        "hal.dll", "ntoskrnl.exe", "ndis.sys", "baddrv.sys"});
  const Module* hal = find_module(list.modules, 0x82816000);
  REQUIRE(hal != nullptr);
  CHECK(hal->name == "hal.dll");
  CHECK(hal->path == "\\SystemRoot\\system32\\halmacpi.dll");
  CHECK(hal->size == 0x37000);
  CHECK(hal->checksum == 0x00037b85);  // CheckSum at 0x40
  const Module* bad = find_module(list.modules, 0x9a100000);
  REQUIRE(bad != nullptr);
  CHECK(bad->timestamp == 0x5e0a1b2c);  // build 7601: from the PE header
  const Module* ntdll = find_module(list.modules, 0x77a60000);
  REQUIRE(ntdll != nullptr);
  CHECK(ntdll->kind == ModuleKind::User);
  CHECK(ntdll->timestamp == 0x4ce7b96e);  // TimeDateStamp at 0x44
}

TEST_CASE("A cycle in the list (entry 3 links back to entry 1) stops the walk", "[modules]") {
  FakeVirtualMemory vm;
  SystemSpec spec;
  spec.system_thread = true;
  System sys = build_system(vm, spec);
  vm.write64(sys.kernel_entries[2], sys.kernel_entries[0]);
  ModuleList list = load_modules(vm, sys.header, sys.context);
  CHECK(names(list.modules) == std::vector<std::string>{"hal.dll", "ntoskrnl.exe", "kdcom.dll"});
  REQUIRE(list.warnings.size() == 1);
  CHECK(list.warnings[0].code == "module-list-cycle");
  CHECK(list.warnings[0].message ==
        "the kernel module list entry at 0xffffc00010000800 links to 0xffffc00010000000, an entry already visited "
        "(a cycle); stopped after 3 entries");
}

TEST_CASE("An entry that links to unreadable memory keeps what came before", "[modules]") {
  FakeVirtualMemory vm;
  SystemSpec spec;
  spec.system_thread = true;
  System sys = build_system(vm, spec);
  vm.write64(sys.kernel_entries[1], 0xffffc00020000000);
  ModuleList list = load_modules(vm, sys.header, sys.context);
  CHECK(names(list.modules) == std::vector<std::string>{"hal.dll", "ntoskrnl.exe"});
  REQUIRE(list.warnings.size() == 1);
  CHECK(list.warnings[0].code == "module-entry-unreadable");
  CHECK(list.warnings[0].message ==
        "the kernel module list entry at 0xffffc00010000400 links to 0xffffc00020000000, which is unreadable: "
        "virtual address 0xffffc00020000000 is not mapped");
}

TEST_CASE("Bad UNICODE_STRINGs stop the walk at their entry", "[modules]") {
  FakeVirtualMemory vm;
  SystemSpec spec;
  spec.system_thread = true;
  System sys = build_system(vm, spec);
  const uint64_t e3 = sys.kernel_entries[3];

  SECTION("odd length") {
    vm.write16(e3 + 0x58, 13);
    ModuleList list = load_modules(vm, sys.header, sys.context);
    CHECK(names(list.modules) == std::vector<std::string>{"hal.dll", "ntoskrnl.exe", "kdcom.dll"});
    CHECK(warning(list, "module-entry-bad-string").message ==
          "the kernel module list entry at 0xffffc00010000c00 has a BaseDllName of Length 13 (MaximumLength 18); "
          "stopped there");
  }
  SECTION("huge length") {
    vm.write16(e3 + 0x48, 0xfff0);
    vm.write16(e3 + 0x4a, 0xfff2);
    ModuleList list = load_modules(vm, sys.header, sys.context);
    CHECK(list.modules.size() == 3);
    CHECK(warning(list, "module-entry-bad-string").message ==
          "the kernel module list entry at 0xffffc00010000c00 has a FullDllName of Length 65520 (MaximumLength "
          "65522); stopped there");
  }
  SECTION("Length above MaximumLength") {
    vm.write16(e3 + 0x58, 0x20);
    vm.write16(e3 + 0x5a, 0x10);
    ModuleList list = load_modules(vm, sys.header, sys.context);
    CHECK(list.modules.size() == 3);
    CHECK(has_warning(list, "module-entry-bad-string"));
  }
}

TEST_CASE("An unreadable name buffer keeps the module, named from its path", "[modules]") {
  FakeVirtualMemory vm;
  SystemSpec spec;
  spec.system_thread = true;
  System sys = build_system(vm, spec);
  vm.write64(sys.kernel_entries[1] + 0x58 + 8, 0xffffc000dead0000);  // hal.dll's BaseDllName.Buffer
  ModuleList list = load_modules(vm, sys.header, sys.context);
  REQUIRE(list.modules.size() == 5);
  CHECK(list.modules[0].name == "hal.dll");  // from "\SystemRoot\system32\hal.dll"
  REQUIRE(list.warnings.size() == 1);
  CHECK(list.warnings[0].code == "module-name-unreadable");
  CHECK(list.warnings[0].message ==
        "1 name(s) in the kernel module list are unreadable (first in the entry at 0xffffc00010000400)");
}

TEST_CASE("Absurd image sizes and bad links stop the walk", "[modules]") {
  FakeVirtualMemory vm;
  SystemSpec spec;
  spec.system_thread = true;
  System sys = build_system(vm, spec);

  SECTION("SizeOfImage 0") {
    vm.write32(sys.kernel_entries[2] + 0x40, 0);
    ModuleList list = load_modules(vm, sys.header, sys.context);
    CHECK(list.modules.size() == 2);
    CHECK(warning(list, "module-entry-bad-image").message ==
          "the kernel module list entry at 0xffffc00010000800 has DllBase 0xfffff80313a00000 and SizeOfImage 0x0; "
          "stopped there");
  }
  SECTION("base + size wraps") {
    vm.write64(sys.kernel_entries[0] + 0x30, 0xffffffffffff0000);
    ModuleList list = load_modules(vm, sys.header, sys.context);
    CHECK(list.modules.empty());
    CHECK(has_warning(list, "module-entry-bad-image"));
  }
  SECTION("misaligned Flink") {
    vm.write64(sys.kernel_entries[0], sys.kernel_entries[1] + 3);
    ModuleList list = load_modules(vm, sys.header, sys.context);
    CHECK(names(list.modules) == std::vector<std::string>{"ntoskrnl.exe"});
    CHECK(warning(list, "module-list-bad-link").message ==
          "the kernel module list entry at 0xffffc00010000000 links to 0xffffc00010000403, which is not a valid "
          "entry address; stopped there");
  }
  SECTION("unreadable head") {
    DumpHeader h = sys.header;
    h.ps_loaded_module_list = 0xfffff80399990000;
    ModuleList list = load_modules(vm, h, sys.context);
    CHECK(list.modules.empty());
    CHECK(warning(list, "module-list-unreadable").message ==
          "the kernel module list head at 0xfffff80399990000 is unreadable: virtual address 0xfffff80399990000 is "
          "not mapped");
  }
}

TEST_CASE("Empty lists and a header without PsLoadedModuleList", "[modules]") {
  FakeVirtualMemory vm;
  const uint64_t head = 0xfffff80312a2a2b0;
  write_module_list(vm, EntryKind::Kernel64, head, 0xffffc00010000000, {});
  ModuleList empty = walk(vm, head, kKernelEntry64);
  CHECK(empty.modules.empty());
  CHECK(empty.warnings.empty());

  // The header's field is PAGE-filled and there is no KDBG: nothing to walk, said once per part.
  DumpHeader h;
  h.ps_loaded_module_list = kPageFill64;
  h.kd_debugger_data_block = kPageFill64;
  ModuleList none = load_modules(vm, h, Context{});
  CHECK(none.modules.empty());
  REQUIRE(none.warnings.size() == 2);
  CHECK(none.warnings[0].code == "module-list-missing");
  CHECK(none.warnings[1].code == "user-modules-unavailable");
  CHECK(none.warnings[1].message == "user modules unavailable: the header names no KDBG");
}

TEST_CASE("The walk stops after 4096 entries", "[modules]") {
  FakeVirtualMemory vm;
  std::vector<ModuleSpec> many;
  for (uint64_t i = 0; i < kMaxListEntries + 3; ++i) {
    many.push_back({u"m.sys", u"m.sys", 0xfffff80400000000 + i * 0x10000, 0x1000, 1, 1});
  }
  const uint64_t head = 0xfffff80312a2a2b0;
  auto entries = write_module_list(vm, EntryKind::Kernel64, head, 0xffffc00100000000, many);
  ModuleList list = walk(vm, head, kKernelEntry64);
  CHECK(list.modules.size() == kMaxListEntries);
  REQUIRE(list.warnings.size() == 1);
  CHECK(list.warnings[0].code == "module-list-too-long");
  CHECK(list.warnings[0].message == "the kernel module list has more than 4096 entries; stopped at " +
                                        hex(entries[kMaxListEntries]));
}

TEST_CASE("Processor and KDBG problems leave the kernel modules and say why user modules are missing", "[modules]") {
  FakeVirtualMemory vm;
  System sys = build_system(vm, {});

  SECTION("encoded KDBG") {
    vm.write32(sys.kdbg + 0x10, 0x5d1e7a93);
    ModuleList list = load_modules(vm, sys.header, sys.context);
    CHECK(list.modules.size() == 5);
    REQUIRE(list.warnings.size() == 1);
    CHECK(list.warnings[0].code == "user-modules-unavailable");
    CHECK(list.warnings[0].message ==
          "user modules unavailable: KDBG at 0xfffff80312a00ba0 is encoded or invalid (OwnerTag 0x5d1e7a93)");
  }
  SECTION("no processor matches: processor 0's thread is used, and said so") {
    Context ctx = sys.context;
    ctx.stack_pointer = 0xffffd00999990000;
    ModuleList list = load_modules(vm, sys.header, ctx);
    CHECK(list.modules.size() == 5);
    REQUIRE(list.warnings.size() == 2);
    CHECK(list.warnings[0].code == "crashing-processor-unknown");
    CHECK(list.warnings[1].code == "user-modules-unavailable");
    CHECK(list.warnings[1].message ==
          "user modules of thread 0xfffff80312b27a00 (TEB 0xa00000) unavailable: the TEB is unreadable: virtual "
          "address 0xa00060 is not mapped");
  }
  SECTION("a user list entry that cannot be read") {
    vm.write64(sys.user_entries[0], 0x00000201dead0000);
    ModuleList list = load_modules(vm, sys.header, sys.context);
    CHECK(list.modules.size() == 5 + 1);
    CHECK(warning(list, "module-entry-unreadable").message ==
          "the user module list of thread 0xffffc50a1b2c3080 (TEB 0xb3e000) entry at 0x201a4e20000 links to "
          "0x201dead0000, which is unreadable: virtual address 0x201dead0000 is not mapped");
  }
}

TEST_CASE("UTF-16 names: surrogate pairs, unpaired surrogates, NUL", "[modules]") {
  auto bytes = [](std::u16string s) {
    std::vector<uint8_t> b;
    for (char16_t c : s) {
      b.push_back(static_cast<uint8_t>(c));
      b.push_back(static_cast<uint8_t>(c >> 8));
    }
    return b;
  };
  CHECK(utf16le_to_utf8(bytes(u"ntoskrnl.exe")) == "ntoskrnl.exe");
  CHECK(utf16le_to_utf8(bytes(u"caf\u00e9\u4e2d\U0001F600.sys")) == "caf\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80.sys");
  CHECK(utf16le_to_utf8(bytes(std::u16string{0xd800, u'x'})) == "\xEF\xBF\xBDx");
  CHECK(utf16le_to_utf8(bytes(std::u16string{u'a', 0xdc00})) == "a\xEF\xBF\xBD");
  CHECK(utf16le_to_utf8(bytes(std::u16string{u'a', 0, u'b'})) == "a");
  CHECK(utf16le_to_utf8(std::vector<uint8_t>{0x41, 0x00, 0x42}) == "A");  // a trailing odd byte is dropped

  FakeVirtualMemory vm;
  SystemSpec spec;
  spec.system_thread = true;
  spec.kernel_modules = default_kernel_modules(8);
  spec.kernel_modules[4].name = u"b\u00e4d\U0001F600.sys";
  System sys = build_system(vm, spec);
  ModuleList list = load_modules(vm, sys.header, sys.context);
  REQUIRE(list.modules.size() == 5);
  CHECK(list.modules[4].name == "b\xC3\xA4" "d\xF0\x9F\x98\x80.sys");
}

TEST_CASE("find_module: bounds and gaps", "[modules]") {
  std::vector<Module> modules = {
      {"a.sys", "", 0x1000, 0x2000, 0, 0, ModuleKind::Kernel},
      {"b.sys", "", 0x3000, 0x1000, 0, 0, ModuleKind::Kernel},
      {"c.sys", "", 0x10000, 0x100, 0, 0, ModuleKind::Kernel},
  };
  CHECK(find_module(modules, 0xfff) == nullptr);
  CHECK(find_module(modules, 0x1000)->name == "a.sys");
  CHECK(find_module(modules, 0x2fff)->name == "a.sys");
  CHECK(find_module(modules, 0x3000)->name == "b.sys");
  CHECK(find_module(modules, 0x3fff)->name == "b.sys");
  CHECK(find_module(modules, 0x4000) == nullptr);
  CHECK(find_module(modules, 0x100ff)->name == "c.sys");
  CHECK(find_module(modules, 0x10100) == nullptr);
  CHECK(find_module(modules, ~uint64_t{0}) == nullptr);
  CHECK(find_module({}, 0x1000) == nullptr);
}

TEST_CASE("Hostile loader data: random corruption never crashes, loops or grows without bound", "[modules]") {
  uint64_t state = 0x9e3779b97f4a7c15;
  auto next = [&] {  // xorshift64
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int round = 0; round < 300; ++round) {
    FakeVirtualMemory vm;
    SystemSpec spec;
    spec.user_modules = wow64_native_modules();
    spec.wow64_modules = wow64_32bit_modules();
    System sys = build_system(vm, spec);
    // Point some fields at other entries, at the heads, or at garbage.
    std::vector<uint64_t> targets = {sys.kernel_list_head, sys.user_list_head, sys.wow64_list_head, next()};
    for (uint64_t e : sys.kernel_entries) targets.push_back(e);
    for (uint64_t e : sys.user_entries) targets.push_back(e);
    for (int i = 0; i < 6; ++i) {
      std::vector<uint64_t> all = sys.kernel_entries;
      all.insert(all.end(), sys.user_entries.begin(), sys.user_entries.end());
      all.insert(all.end(), sys.wow64_entries.begin(), sys.wow64_entries.end());
      all.push_back(sys.kdbg);
      all.push_back(sys.prcbs[next() % 2]);
      const uint64_t base = all[next() % all.size()];
      const uint64_t off = next() % 0x340;
      switch (next() % 3) {
        case 0: vm.write64(base + off, targets[next() % targets.size()]); break;
        case 1: vm.write16(base + off, static_cast<uint16_t>(next())); break;
        default: vm.write32(base + off, static_cast<uint32_t>(next())); break;
      }
    }
    ModuleList list = load_modules(vm, sys.header, sys.context);
    CHECK(list.modules.size() <= 3 * kMaxListEntries);
    CHECK(std::is_sorted(list.modules.begin(), list.modules.end(),
                         [](const Module& a, const Module& b) { return a.base < b.base; }));
    for (const Module& m : list.modules) CHECK(m.name.size() <= 3 * kMaxNameBytes / 2);
  }
}
