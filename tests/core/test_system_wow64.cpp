// system-wow64.dmp: the crashing thread belongs to a 32-bit process on x64 Windows. Its native loader list holds
// app32.exe, ntdll.dll, wow64.dll and wow64cpu.dll; the 32-bit list behind TEB32 (TEB + 0x2000) holds app32.exe,
// the SysWOW64 ntdll.dll and KERNEL32.DLL.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

TEST_CASE("system-wow64.dmp: native and 32-bit user modules", "[system]") {
  Analyzed a(system_wow64());
  CHECK(a.dump->header().dump_type == 5);
  CHECK(a.warning_codes().empty());

  struct Row {
    const char* name;
    ModuleKind kind;
    uint64_t base, size;
    uint32_t timestamp;
    const char* path;
  };
  const Row rows[] = {
      {"app32.exe", ModuleKind::User, 0xe40000, 0x31000, 0x5a1b2c3d, "C:\\Program Files (x86)\\App\\app32.exe"},
      {"app32.exe", ModuleKind::User32, 0xe40000, 0x31000, 0x5a1b2c3d, "C:\\Program Files (x86)\\App\\app32.exe"},
      {"KERNEL32.DLL", ModuleKind::User32, 0x76f30000, 0xf0000, 0x4a5b6c7d, "C:\\Windows\\SysWOW64\\KERNEL32.DLL"},
      {"wow64cpu.dll", ModuleKind::User, 0x77a40000, 0xa000, 0x2b3c4d5e, "C:\\Windows\\System32\\wow64cpu.dll"},
      {"ntdll.dll", ModuleKind::User32, 0x77b10000, 0x1a3000, 0x6f7e8d9c, "C:\\Windows\\SysWOW64\\ntdll.dll"},
      {"wow64.dll", ModuleKind::User, 0x7ffd5cf40000, 0x59000, 0x1c2d3e4f, "C:\\Windows\\System32\\wow64.dll"},
      {"ntdll.dll", ModuleKind::User, 0x7ffd5e9b0000, 0x1f8000, 0x8d3c1a2b, "C:\\Windows\\SYSTEM32\\ntdll.dll"},
  };
  const auto& modules = a.analysis.modules.modules;
  REQUIRE(modules.size() == 7 + 7);  // and the seven kernel modules
  for (size_t i = 0; i < 7; ++i) {
    INFO(i);
    CHECK(modules[i].name == rows[i].name);
    CHECK(modules[i].kind == rows[i].kind);
    CHECK(modules[i].base == rows[i].base);
    CHECK(modules[i].size == rows[i].size);
    CHECK(modules[i].timestamp == rows[i].timestamp);
    CHECK(modules[i].path == rows[i].path);
  }
  for (size_t i = 7; i < modules.size(); ++i) CHECK(modules[i].kind == ModuleKind::Kernel);
  CHECK(std::string(module_kind_name(modules[1].kind)) == "user32");

  // TEB32 names itself, PEB32 names the 32-bit ntdll!PebLdr, whose list leads to app32.exe's 32-bit entry.
  CHECK(a.read_pointer(0x2a3000 + 0x60) == 0x2a0000);   // TEB64 -> PEB64
  CHECK(le::u32(a.read(0x2a5000 + 0x18, 4), 0) == 0x2a5000);
  CHECK(le::u32(a.read(0x2a5000 + 0x30, 4), 0) == 0x2a1000);
  CHECK(le::u32(a.read(0x2a1000 + 0xc, 4), 0) == 0x77b25d80);
  CHECK(le::u32(a.read(0x77b25d80 + 0xc, 4), 0) == 0xc50000);
  CHECK(a.read(0xc50000 + 0x300, 18) == utf16le("app32.exe"));

  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.offset == 0xabcd);
}
