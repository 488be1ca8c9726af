// What make-fixtures writes: every end-to-end fixture is in all_fixture_files(), opens cleanly and names a culprit,
// and the whole set stays small (its size is bounded, not the time it takes: the machine may be busy).
#include <catch2/catch.hpp>

#include <set>

#include "catalog.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

TEST_CASE("make-fixtures writes the end-to-end fixtures, small", "[system]") {
  const auto files = all_fixture_files();

  std::set<std::string> names;
  uint64_t total = 0;
  for (const auto& f : files) {
    CHECK(names.insert(f.name).second);  // unique
    total += f.bytes.size();
  }
  // About 30 full/kernel system fixtures of ~430 KiB each (one machine's page tables, kernel and modules apiece).
  CHECK(total < 16 * 1024 * 1024);
  for (const char* name : {"sample.dmp", "triage64.dmp", "triage32.dmp", "system-x64-bitmap.dmp",
                           "system-x64-rdmp.dmp", "system-arm64.dmp", "system-x86-pae.dmp", "system-x86.dmp",
                           "system-wow64.dmp", "system-module-cycle.dmp", "system-culprit-parameter.dmp",
                           "system-culprit-exception.dmp", "system-culprit-ip.dmp", "system-culprit-stack.dmp",
                           "system-x64-fault-context.dmp", "system-arm.dmp", "system-arm-kernel.dmp",
                           "system-arm-on-request.dmp", "triage-arm.dmp"}) {
    INFO(name);
    CHECK(names.count(name) == 1);
  }
}

TEST_CASE("every end-to-end fixture opens without warnings and names its culprit", "[system]") {
  const std::pair<const char*, const char*> expected[] = {
      {"sample.dmp", "baddrv.sys"},
      {"triage64.dmp", "baddrv.sys"},
      {"triage32.dmp", "baddrv.sys"},
      {"system-x64-bitmap.dmp", "baddrv.sys"},
      {"system-x64-rdmp.dmp", "baddrv.sys"},
      {"system-arm64.dmp", "baddrv.sys"},
      {"system-x86-pae.dmp", "baddrv.sys"},
      {"system-x86.dmp", "baddrv.sys"},
      {"system-wow64.dmp", "baddrv.sys"},
      {"system-module-cycle.dmp", "baddrv.sys"},
      {"system-culprit-parameter.dmp", "baddrv.sys"},
      {"system-culprit-exception.dmp", "baddrv.sys"},
      {"system-culprit-ip.dmp", "kbdhid.sys"},
      {"system-culprit-stack.dmp", "baddrv.sys"},
      {"system-x64-fault-context.dmp", "baddrv.sys"},
      {"system-arm.dmp", "baddrv.sys"},
      {"system-arm-kernel.dmp", "baddrv.sys"},
      {"triage-arm.dmp", "baddrv.sys"},
  };
  auto files = all_fixture_files();
  for (const auto& [name, culprit] : expected) {
    INFO(name);
    auto it = std::find_if(files.begin(), files.end(), [&](const NamedFile& f) { return f.name == name; });
    REQUIRE(it != files.end());
    Analyzed a(std::move(it->bytes));
    CHECK(a.dump->warnings().empty());
    // A triage dump's RequiredDumpSpace is the room Windows reserved, as in the real minidumps; the others' is the
    // file's size.
    if (a.dump->triage()) {
      CHECK(a.dump->header().required_dump_space >= a.dump->file_size());
    } else {
      CHECK(a.dump->header().required_dump_space == a.dump->file_size());
    }
    REQUIRE(a.analysis.culprit.module);
    CHECK(a.analysis.culprit.module->name == culprit);
    CHECK(a.analysis.context);
    CHECK_FALSE(a.analysis.stack.entries.empty());
  }
}
