#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "contexts.hpp"
#include "kdmp/context.hpp"
#include "kdmp/exception.hpp"
#include "kdmp/header.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;

namespace {
DumpHeader header_of(const DumpSpec& spec) {
  auto bytes = build_dump(spec);
  MemorySource src(bytes);
  auto h = read_header(src);
  REQUIRE(h.ok());
  return std::move(h).value();
}
}  // namespace

TEST_CASE("AMD64 context registers at their offsets", "[context]") {
  DumpSpec spec = full_two_runs();
  spec.context = amd64_context({{"rax", 0x1111}, {"rcx", 0x2222}, {"rsp", 0xffffd0012345e000},
                                {"rbp", 0xffffd0012345e100}, {"r15", 0xf15}, {"rip", 0xfffff8031234abcd},
                                {"rflags", 0x10246}, {"dr7", 0x400}, {"lastexceptionfromrip", 0xfffff80300001234}});
  auto ctx = parse_context(header_of(spec));
  REQUIRE(ctx.ok());
  CHECK(ctx->machine == 0x8664);
  CHECK(ctx->context_flags == 0x10001f);
  CHECK(ctx->get("rax") == 0x1111u);
  CHECK(ctx->get("RCX") == 0x2222u);
  CHECK(ctx->get("r15") == 0xf15u);
  CHECK(ctx->get("rflags") == 0x10246u);
  CHECK(ctx->get("cs") == 0x10u);
  CHECK(ctx->get("ss") == 0x18u);
  CHECK(ctx->get("dr7") == 0x400u);
  // The 96-byte reserved block before VectorRegister must not shift the last-branch registers.
  CHECK(ctx->get("lastexceptionfromrip") == 0xfffff80300001234u);
  CHECK(ctx->instruction_pointer == 0xfffff8031234abcd);
  CHECK(ctx->stack_pointer == 0xffffd0012345e000);
  CHECK(ctx->frame_pointer == 0xffffd0012345e100);
  CHECK(ctx->vectors.size() == 16);
  CHECK_FALSE(ctx->get("eax").has_value());
}

TEST_CASE("ARM64 and x86 contexts", "[context]") {
  DumpSpec arm = full_two_runs();
  arm.machine = 0xAA64;
  arm.context = arm64_context({{"x0", 0xa0}, {"x28", 0xa28}, {"fp", 0xf00f}, {"lr", 0xfffff80011112222},
                               {"sp", 0xffff800012340000}, {"pc", 0xfffff80033334444}, {"cpsr", 0x60000005},
                               {"fpcr", 0x1}, {"fpsr", 0x2}});
  auto a = parse_context(header_of(arm));
  REQUIRE(a.ok());
  CHECK(a->get("x0") == 0xa0u);
  CHECK(a->get("x28") == 0xa28u);
  CHECK(a->get("lr") == 0xfffff80011112222u);
  CHECK(a->get("cpsr") == 0x60000005u);
  CHECK(a->get("fpsr") == 0x2u);
  CHECK(a->instruction_pointer == 0xfffff80033334444);
  CHECK(a->stack_pointer == 0xffff800012340000);
  CHECK(a->vectors.size() == 32);

  DumpSpec x = full32();
  x.context = x86_context({{"eax", 0xeaa}, {"eip", 0x8c8a1234}, {"esp", 0x9a1b0000}, {"ebp", 0x9a1b0100},
                           {"eflags", 0x10282}});
  auto c = parse_context(header_of(x));
  REQUIRE(c.ok());
  CHECK(c->get("eax") == 0xeaau);
  CHECK(c->get("eflags") == 0x10282u);
  CHECK(c->get("cs") == 0x8u);
  CHECK(c->instruction_pointer == 0x8c8a1234);
  CHECK(c->stack_pointer == 0x9a1b0000);
}

TEST_CASE("a PAGE-filled context is an error naming its offset", "[context]") {
  auto r = parse_context(header_of(full_two_runs()));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::BadHeader);
  CHECK(r.error().where == 0x348);
  CHECK_THAT(r.error().message, Catch::Contains("0x348"));
}

TEST_CASE("exception records, 64 and 32-bit", "[exception]") {
  DumpSpec spec = full_two_runs();
  spec.exception = exception_record(true, 0xc0000005, 0xfffff8031234abcd, {0, 0x28});
  auto e = parse_exception(header_of(spec));
  REQUIRE(e.ok());
  CHECK(e->code == 0xc0000005);
  CHECK(e->address == 0xfffff8031234abcd);
  CHECK(e->parameters == std::vector<uint64_t>{0, 0x28});
  CHECK(std::string(exception_code_name(e->code)) == "STATUS_ACCESS_VIOLATION");

  DumpSpec s32 = full32();
  s32.exception = exception_record(false, 0x80000003, 0x8c8a1234, {1, 2, 3});
  auto e32 = parse_exception(header_of(s32));
  REQUIRE(e32.ok());
  CHECK(e32->code == 0x80000003);
  CHECK(e32->address == 0x8c8a1234);
  CHECK(e32->parameters == std::vector<uint64_t>{1, 2, 3});

  SECTION("a hostile parameter count is capped at 15") {
    auto bytes = exception_record(true, 0xc0000005, 0x1, {});
    bytes[0x18] = 0xff;
    bytes[0x19] = 0xff;
    DumpSpec s = full_two_runs();
    s.exception = bytes;
    auto r = parse_exception(header_of(s));
    REQUIRE(r.ok());
    CHECK(r->number_parameters == 0xffff);
    CHECK(r->parameters.size() == 15);
  }
  SECTION("PAGE-filled") {
    auto r = parse_exception(header_of(full_two_runs()));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().where == 0xf00);
  }
}
