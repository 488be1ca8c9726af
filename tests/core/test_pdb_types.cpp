// The PDB offset source (pdb_types.hpp): structures named as ntoskrnl's, built by clang-cl into a real PDB at test
// time (tests/images/kerntypes.c, x64 and x86), read back from the TPI stream, cross-checked with llvm-pdbutil, and
// used by the process walk of a dump whose kernel image is that file.
#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <sstream>

#include "catalog.hpp"
#include "image_mapping.hpp"
#include "kdmp/module_symbols.hpp"
#include "kdmp/pdb.hpp"
#include "kdmp/pdb_types.hpp"
#include "kdmp/summary.hpp"
#include "system_writer.hpp"
#include "test_images_helpers.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {

using F = KernelField;

Pdb open_pdb(const std::string& file) {
  auto pdb = Pdb::open(image_source(file));
  REQUIRE(pdb);
  return std::move(pdb).value();
}

// What kerntypes.c lays out for x64 (Windows 10 19041 with EPROCESS's and ETHREAD's own members moved by 0x10).
const std::vector<std::pair<F, uint32_t>> kX64 = {
    {F::ProcessDirectoryTableBase, 0x28}, {F::ProcessUserDirectoryTableBase, 0x388},
    {F::ProcessUniqueProcessId, 0x450},   {F::ProcessActiveProcessLinks, 0x458},
    {F::ProcessCreateTime, 0x478},        {F::ProcessExitTime, 0x850},
    {F::ProcessInheritedFromUniqueProcessId, 0x550}, {F::ProcessPeb, 0x560},
    {F::ProcessSessionId, 0x568},         {F::ProcessWow64Process, 0x590},
    {F::ProcessImageFileName, 0x5b8},     {F::ProcessImagePath, 0x5d0},
    {F::ProcessThreadListHead, 0x5f0},    {F::ProcessActiveThreads, 0x600},
    {F::ThreadState, 0x184},              {F::ThreadTeb, 0xf0},
    {F::ThreadApcProcess, 0xb8},          {F::ThreadCid, 0x488},
    {F::ThreadStartAddress, 0x460},       {F::ThreadWin32StartAddress, 0x4e0},
    {F::ThreadListEntry, 0x4f8},          {F::PcrIrql, 0x50},
    {F::PcrPrcb, 0x180},                  {F::PrcbCurrentThread, 0x8},
    {F::PrcbNumber, 0x24},
};

// And for x86 (KPCR.PrcbData, no UserDirectoryTableBase).
const std::vector<std::pair<F, uint32_t>> kX86 = {
    {F::ProcessDirectoryTableBase, 0x18}, {F::ProcessUniqueProcessId, 0xb0},
    {F::ProcessActiveProcessLinks, 0xb4}, {F::ProcessCreateTime, 0xd0},
    {F::ProcessExitTime, 0x1c0},          {F::ProcessInheritedFromUniqueProcessId, 0x138},
    {F::ProcessPeb, 0x144},               {F::ProcessSessionId, 0x148},
    {F::ProcessImageFileName, 0x170},     {F::ProcessImagePath, 0x188},
    {F::ProcessThreadListHead, 0x194},    {F::ProcessActiveThreads, 0x19c},
    {F::ThreadState, 0x9c},               {F::ThreadTeb, 0x88},
    {F::ThreadApcProcess, 0x50},          {F::ThreadCid, 0x23c},
    {F::ThreadStartAddress, 0x228},       {F::ThreadWin32StartAddress, 0x284},
    {F::ThreadListEntry, 0x298},          {F::PcrIrql, 0x24},
    {F::PcrPrcb, 0x120},                  {F::PrcbCurrentThread, 0x4},
    {F::PrcbNumber, 0x3cc},
};

void check_offsets(const OffsetMap& o, const std::vector<std::pair<F, uint32_t>>& expected) {
  for (const auto& [field, offset] : expected) {
    INFO(kernel_field_name(field));
    CHECK(o.offset(field) == offset);
  }
}

// llvm-pdbutil's members of the record that defines `structure`: name -> offset.
std::map<std::string, uint64_t> pdbutil_members(const std::string& pdb, const std::string& structure) {
  const std::string text = run_command(std::string(KDMP_LLVM_PDBUTIL) + " dump -types " + pdb);
  // The definition names its field list: "0x1012 | LF_STRUCTURE ... `_EPROCESS`" then "field list: 0x1011".
  const std::regex def_re("LF_STRUCTURE \\[size = \\d+\\] `" + structure + "`\\n\\s+vtable: [^,]+, base list: [^,]+, "
                          "field list: (0x[0-9A-F]+)");
  std::smatch m;
  if (!std::regex_search(text, m, def_re)) return {};
  const std::string list = m[1];
  const auto at = text.find(list + " | LF_FIELDLIST");
  if (at == std::string::npos) return {};
  std::map<std::string, uint64_t> out;
  std::istringstream lines(text.substr(at));
  std::string line;
  std::getline(lines, line);
  const std::regex member_re(R"(LF_MEMBER \[name = `([^`]*)`, Type = [^,]+, offset = (\d+))");
  while (std::getline(lines, line) && line.find(" | ") == std::string::npos) {
    if (std::regex_search(line, m, member_re)) out[m[1]] = std::stoull(m[2]);
  }
  return out;
}

}  // namespace

TEST_CASE("kerntypes.pdb (x64): the kernel's offsets from the TPI stream", "[pdb][offsets]") {
  Pdb pdb = open_pdb("kerntypes.pdb");
  std::vector<Warning> warnings;
  auto o = kernel_offsets_from_pdb(pdb, "kerntypes.pdb", &warnings);
  REQUIRE(o);
  CHECK(warnings.empty());
  CHECK(o->origin() == OffsetOrigin::Pdb);
  CHECK(o->description() == "pdb: kerntypes.pdb");
  check_offsets(*o, kX64);
}

TEST_CASE("kerntypes32.pdb (x86): the kernel's offsets from the TPI stream", "[pdb][offsets]") {
  Pdb pdb = open_pdb("kerntypes32.pdb");
  auto o = kernel_offsets_from_pdb(pdb, "kerntypes32.pdb", nullptr);
  REQUIRE(o);
  check_offsets(*o, kX86);
  CHECK_FALSE(o->offset(F::ProcessUserDirectoryTableBase));  // the x86 structure has none
}

TEST_CASE("The TPI reader agrees with llvm-pdbutil on every member", "[pdb][offsets]") {
  for (const char* file : {"kerntypes.pdb", "kerntypes32.pdb"}) {
    INFO(file);
    Pdb pdb = open_pdb(file);
    auto types = PdbTypes::read(pdb, {"_EPROCESS", "_KTHREAD", "_ETHREAD", "_KPCR", "_KAPC_STATE"});
    REQUIRE(types);
    CHECK(types->type_index_begin() == 0x1000);
    for (const char* structure : {"_EPROCESS", "_KTHREAD", "_ETHREAD", "_KPCR", "_KAPC_STATE"}) {
      INFO(structure);
      const auto expected = pdbutil_members(image_path(file), structure);
      REQUIRE(expected.size() >= 3);
      auto def = types->definition(structure);
      REQUIRE(def);
      auto members = types->members(*def);
      REQUIRE(members);
      std::map<std::string, uint64_t> got;
      for (const PdbMember& m : *members) got[m.name] = m.offset;
      CHECK(got == expected);
    }
    // Forward references resolve to the definition; nested paths add up.
    CHECK(types->offset_of("_ETHREAD", "Tcb.ApcState.Process") ==
          (std::string(file) == "kerntypes.pdb" ? 0xb8u : 0x50u));
    CHECK_FALSE(types->offset_of("_ETHREAD", "Tcb.NoSuchMember"));
    CHECK_FALSE(types->offset_of("_NOSUCH", "X"));
  }
}

TEST_CASE("A dump whose kernel PDB is loaded: offsets from the pdb source first", "[pdb][offsets][processes]") {
  // system-table-contradicted.dmp's layout (19041 moved by 0x10) is kerntypes.c's: with the PDB the walk takes its
  // offsets, and nothing is contradicted.
  const std::vector<uint8_t> image = image_file("kerntypes.exe");
  const MappedImage mapped = map_image(image);
  SystemDumpSpec s = default_system(Arch::X64);
  for (const auto& [field, offset] : kX64) {
    ProcessLayout& l = s.process_layout;
    if (field == F::ProcessUniqueProcessId) l.unique_process_id = offset;
    if (field == F::ProcessActiveProcessLinks) l.active_process_links = offset;
    if (field == F::ProcessCreateTime) l.create_time = offset;
    if (field == F::ProcessExitTime) l.exit_time = offset;
    if (field == F::ProcessInheritedFromUniqueProcessId) l.parent_pid = offset;
    if (field == F::ProcessPeb) l.peb = offset;
    if (field == F::ProcessSessionId) l.session = offset;
    if (field == F::ProcessWow64Process) l.wow64_process = offset;
    if (field == F::ProcessImageFileName) l.image_file_name = offset;
    if (field == F::ProcessImagePath) l.image_path = offset;
    if (field == F::ProcessThreadListHead) l.thread_list_head = offset;
    if (field == F::ProcessActiveThreads) l.active_threads = offset;
    if (field == F::ThreadCid) l.thread_cid = offset;
    if (field == F::ThreadStartAddress) l.thread_start = offset;
    if (field == F::ThreadWin32StartAddress) l.thread_win32_start = offset;
    if (field == F::ThreadListEntry) l.thread_list_entry = offset;
  }
  ModuleSpec& nt = s.kernel_modules.front();
  nt.size = mapped.size_of_image;
  nt.checksum = mapped.checksum;
  nt.timestamp = mapped.time_date_stamp;
  s.images["ntoskrnl.exe"] = image;
  auto dump = open_bytes(build_dump(build_system_dump(s).dump));
  REQUIRE(dump);

  SymbolFileSet set;
  REQUIRE(set.add("kerntypes.pdb", image_source("kerntypes.pdb")));
  AnalysisOptions options;
  options.symbols = &set;
  const Analysis a = analyze(*dump, options);
  REQUIRE(a.symbols.kernel_offsets);
  const ProcessReport& r = a.processes;
  REQUIRE(r.crashing);
  CHECK(r.crashing->process_name == "app.exe");
  CHECK(r.crashing->pid == 0x1a2c);
  CHECK(r.crashing->tid == 0x2f14);
  std::vector<std::string> names;
  for (const ProcessInfo& p : r.processes) names.push_back(p.name);
  CHECK(names == std::vector<std::string>{"System", "Registry", "smss.exe", "csrss.exe", "app.exe", "explorer.exe",
                                          "setup.exe"});
  CHECK(r.warnings.empty());
  CHECK(r.offsets.sources.front() == "pdb: kerntypes.pdb");
  for (const auto& [field, offset] : kX64) {
    INFO(kernel_field_name(field));
    CHECK(r.offsets.get(field) == offset);
    CHECK(r.offsets.origin(field) == OffsetOrigin::Pdb);
  }
  const std::string json = summary_json(*dump, a);
  CHECK(json.find("{\"field\":\"EPROCESS.ActiveProcessLinks\",\"offset\":\"0x458\",\"source\":\"pdb\"}") !=
        std::string::npos);
}
