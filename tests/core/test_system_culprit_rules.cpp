// One whole-system dump per culprit rule (core/src/culprit.cpp), each built so that any other rule would blame a
// different module or offset: the bug check parameter, the exception address, the instruction pointer, and the
// first other module on the stack when the address is in the kernel.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {
constexpr uint64_t kNt = 0xfffff80312800000, kBad = 0xfffff80312340000, kSp = 0xffffd0012345e8c0;
}  // namespace

TEST_CASE("system-culprit-parameter.dmp: 0x3B parameter 2 beats an instruction pointer in the kernel", "[system]") {
  Analyzed a(system_culprit_parameter());
  CHECK(a.dump->header().bugcheck_code == 0x3b);
  CHECK(a.reg("rip") == kNt + 0x3f9c40);
  CHECK(a.read(kNt + 0x3f9c40, 5) == std::vector<uint8_t>{0x48, 0x89, 0x4c, 0x24, 0x08});
  CHECK_FALSE(a.analysis.exception);
  CHECK(a.warning_codes() == std::vector<std::string>{"no-exception"});
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.address == kBad + 0x2f10);
  CHECK(c.offset == 0x2f10);
  CHECK(c.reason == "bug check 0x3B parameter 2 (address of the instruction that caused the bug check)");
}

TEST_CASE("system-culprit-exception.dmp: the exception address when the bug check names none", "[system]") {
  Analyzed a(system_culprit_exception());
  CHECK(a.dump->header().bugcheck_code == 0x139);
  CHECK_FALSE(bugcheck_address_rule(0x139));
  REQUIRE(a.analysis.exception);
  CHECK(a.analysis.exception->code == 0xc0000409);
  CHECK(a.analysis.exception->address == kBad + 0x5a31);
  CHECK(a.reg("rip") == kNt + 0x3f9c40);
  CHECK(a.warning_codes().empty());
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.address == kBad + 0x5a31);
  CHECK(c.offset == 0x5a31);
  CHECK(c.reason == "the exception address");
}

TEST_CASE("system-culprit-ip.dmp: the instruction pointer when nothing else names an address", "[system]") {
  Analyzed a(system_culprit_ip());
  CHECK(a.dump->header().bugcheck_code == 0xe2);
  CHECK(a.dump->header().bugcheck_parameters == std::array<uint64_t, 4>{0, 0, 0, 0});
  CHECK_FALSE(a.analysis.exception);
  CHECK(a.reg("rip") == 0xfffff80316c21d2c);
  CHECK(a.read(0xfffff80316c21d2c, 3) == std::vector<uint8_t>{0x48, 0x8b, 0x01});
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "kbdhid.sys");
  CHECK(c.module->base == 0xfffff80316c20000);
  CHECK(c.address == 0xfffff80316c21d2c);
  CHECK(c.offset == 0x1d2c);
  CHECK(c.reason == "the context's instruction pointer");
}

TEST_CASE("system-culprit-stack.dmp: an address in the kernel blames the first other return on the stack",
          "[system]") {
  Analyzed a(system_culprit_stack());
  CHECK(a.dump->header().bugcheck_code == 0xa);
  CHECK(a.dump->header().bugcheck_parameters[3] == kNt + 0x2b1c0);
  CHECK(a.reg("rip") == kNt + 0x2b1c0);
  // ndis.sys lies lower on the stack, but as a plain value; baddrv.sys's is the first probable return address.
  REQUIRE(a.analysis.stack.entries.size() == 6);
  CHECK(a.analysis.stack.entries[0].module == "ndis.sys");
  CHECK_FALSE(a.analysis.stack.entries[0].probable_return);
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "baddrv.sys");
  CHECK(c.address == kBad + 0x1234);
  CHECK(c.offset == 0x1234);
  CHECK(c.reason ==
        "bug check 0xA parameter 4 (address that referenced memory) is in ntoskrnl.exe; baddrv.sys is the first "
        "other module on the stack (return address 0xfffff80312341234 at 0xffffd0012345e8e0)");
  CHECK(kSp + 0x20 == 0xffffd0012345e8e0);
}
