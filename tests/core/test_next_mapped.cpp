// kdmp::next_mapped_virtual on the system fixtures (addresses from system_writer: the PEB, processor 1's PCR, hal.dll,
// ...), on page tables that map nothing, on a triage dump's regions, and on a provider that gives no spans.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "kdmp/next_mapped.hpp"
#include "kdmp/triage.hpp"
#include "kdmp/virtual_reader.hpp"
#include "page_tables.hpp"
#include "test_physmem_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {

// default_system(Arch::X64): the lowest page written is the PEB (the TEB follows it); the highest is a page of hal.dll
// (0xfffff80340e00000) at +0x2a000.
constexpr uint64_t kPeb = 0x000000a3c5f4d000;
constexpr uint64_t kFirstKernelPage = 0xffffa001e7c00000;  // processor 1's KPCR
constexpr uint64_t kLastPage = 0xfffff80340e2a000;

// An opened dump and its default address space. Not movable: the address space refers to the Dump.
struct Space {
  explicit Space(std::vector<uint8_t> bytes, std::optional<uint64_t> dtb = std::nullopt)
      : dump(open_bytes(std::move(bytes))) {
    REQUIRE(dump.ok());
    auto v = dump->virtual_memory(dtb);
    REQUIRE(v.ok());
    vm = std::move(v).value();
  }
  explicit Space(const DumpSpec& spec, std::optional<uint64_t> dtb = std::nullopt) : Space(build_dump(spec), dtb) {}

  // The answer, with nullopt written as ~0 so that CHECK prints it; fails the test on an error.
  uint64_t next(uint64_t from, NextMappedOptions options = {}) {
    auto r = next_mapped_virtual(*vm, Gva(from), options);
    INFO((r.ok() ? std::string() : r.error().message));
    REQUIRE(r.ok());
    return r->has_value() ? (*r)->value : ~uint64_t{0};
  }
  // Page-table walks the last calls made.
  uint64_t walks() const { return dynamic_cast<VirtualReader&>(*vm).cache_stats().misses; }

  Result<Dump> dump;
  std::unique_ptr<VirtualMemory> vm;
};

constexpr uint64_t kNone = ~uint64_t{0};

// Reads everything up to 2^64 with a provider that only says "not present", never how far.
class SpanlessMemory final : public VirtualMemory {
 public:
  explicit SpanlessMemory(uint64_t readable_page) : page_(readable_page) {}
  Status read_virtual_exact(Gva va, std::span<uint8_t> out) override {
    ++probes;
    if (va.page_align().value == page_ && va.page_offset() + out.size() <= kPageSize) return Ok{};
    return make_error(ErrorCode::NotPresent, "not here", va.value);  // span 0: unknown
  }
  unsigned pointer_size() const override { return 8; }
  uint64_t probes = 0;

 private:
  uint64_t page_;
};

}  // namespace

TEST_CASE("next_mapped_virtual: x64 page tables of sample.dmp", "[next-mapped]") {
  Space s(sample());
  SECTION("from 0: the PEB, the lowest page the dump maps") {
    CHECK(s.next(0) == kPeb);
    CHECK(s.walks() < 1000);
  }
  SECTION("from inside a mapped page: that very address") {
    CHECK(s.next(kPeb + 0x123) == kPeb + 0x123);
    CHECK(s.next(kLastPage + 0xfff) == kLastPage + 0xfff);
  }
  SECTION("from just past the last mapped page: none, in a bounded number of walks") {
    CHECK(s.next(kLastPage + 0x1000) == kNone);
    CHECK(s.walks() < 2000);
  }
  SECTION("the hole between the halves costs no walk") {
    CHECK(s.next(0x0000'8000'0000'0000) == kFirstKernelPage);
    Space upper(sample());  // a fresh translation cache
    CHECK(upper.next(0xffff'8000'0000'0000) == kFirstKernelPage);
    CHECK(s.walks() == upper.walks());
  }
  SECTION("out of steps: an error saying where to go on from, and going on finds the page") {
    auto r = next_mapped_virtual(*s.vm, Gva(0), NextMappedOptions{10});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::NotPresent);
    const uint64_t resume = r.error().where;
    CHECK(resume > 0);
    CHECK(resume <= kPeb);
    CHECK_THAT(r.error().message, Catch::Contains("can go on from " + hex(resume)));
    CHECK(s.next(resume) == kPeb);
  }
}

TEST_CASE("next_mapped_virtual: a mapped page whose data the dump lacks is skipped", "[next-mapped]") {
  // A kernel memory dump without the user pages: the PEB still translates (its page tables are in the dump), but
  // its bytes are not, so the first readable address is in the kernel.
  Space s(system_x64_rdmp());
  REQUIRE(dynamic_cast<VirtualReader&>(*s.vm).translate(Gva(kPeb)).ok());
  CHECK(s.next(0) == kFirstKernelPage);
  CHECK(s.next(kPeb) == kFirstKernelPage);
}

TEST_CASE("next_mapped_virtual: page tables that map nothing end in a bounded number of walks", "[next-mapped]") {
  SECTION("a PML4 of not-present entries: one walk per entry, the hole in one step") {
    // PFN 1 holds the fixture pattern: every u64 is its own 8-aligned address, so bit 0 (present) is always clear.
    Space s(full_two_runs(), 0x1000);
    CHECK(s.next(0) == kNone);
    CHECK(s.walks() == 512);
  }
  SECTION("a PML4 that is not in the dump: one walk per half") {
    Space s(full_two_runs());  // DirectoryTableBase 0x1aa000: not stored
    CHECK(s.next(0) == kNone);
    CHECK(s.walks() == 2);
  }
}

TEST_CASE("next_mapped_virtual: page tables built to be slow to scan stop at the step budget", "[next-mapped]") {
  // Every PML4E, PDPTE and PDE present and leading to the same next table; every PTE empty: each 4 KiB page costs
  // a whole walk, 2^36 of them in the lower half.
  PhysicalMemory memory;
  for (uint64_t level = 0; level < 3; ++level) {
    for (uint64_t i = 0; i < 512; ++i) memory.write64(((0x10 + level) << 12) + 8 * i, ((0x11 + level) << 12) | 3);
  }
  memory.page(0x13).fill(0);
  PhysicalMemoryReader phys(memory);
  VirtualReader reader(phys, PagingMode::X64, 0x10000);
  auto r = next_mapped_virtual(reader, Gva(0), NextMappedOptions{1000});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::NotPresent);
  CHECK(r.error().where == 1000 * 0x1000);
  CHECK(reader.cache_stats().misses == 1000);
}

TEST_CASE("next_mapped_virtual: 32-bit address spaces end at 4 GiB", "[next-mapped]") {
  for (const DumpSpec& spec : {system_x86(), system_x86_pae()}) {
    Space s(spec);
    CHECK(s.next(0) == 0x290000);  // the PEB of default_system(X86 / X86Pae)
    CHECK(s.next(0x9a3e7000) == 0x9a3e7000);  // the last mapped page
    CHECK(s.next(0x9a3e8000) == kNone);
    const uint64_t before = s.walks();
    CHECK(s.next(0x1'0000'0000) == kNone);
    CHECK(s.walks() == before);
  }
}

TEST_CASE("next_mapped_virtual: ARM64 from 0", "[next-mapped]") {
  Space s(system_arm64());
  CHECK(s.next(0) == kPeb);
}

TEST_CASE("next_mapped_virtual: a triage dump's saved regions", "[next-mapped]") {
  auto dump = open_fixture("triage64.dmp");
  REQUIRE(dump.ok());
  auto vm = dump->virtual_memory();
  REQUIRE(vm.ok());
  REQUIRE(dynamic_cast<TriageMemory*>(vm->get()) != nullptr);
  auto next = [&](uint64_t from) {
    auto r = next_mapped_virtual(**vm, Gva(from));
    REQUIRE(r.ok());
    return r->has_value() ? (*r)->value : kNone;
  };
  CHECK(next(0) == 0xffffc08011220000);                   // data block 1, the lowest region
  CHECK(next(0xffffc08011220210) == 0xffffc08011220210);  // inside data block 2, adjacent to block 1
  CHECK(next(0xffffc08011220280) == 0xffffc08012345040);  // past block 2: the EPROCESS copy
  CHECK(next(0xfffff80312a2afff) == 0xfffff80312a2afff);  // the data page's last byte
  CHECK(next(0xfffff80312a2b000) == kNone);
}

TEST_CASE("next_mapped_virtual: errors without a span advance one page, and the step budget holds", "[next-mapped]") {
  SpanlessMemory memory(0x5000);
  auto r = next_mapped_virtual(memory, Gva(0x10));
  REQUIRE(r.ok());
  CHECK(*r == Gva(0x5000));
  CHECK(memory.probes == 6);  // 0x10, 0x1000, ..., 0x5000

  auto far = next_mapped_virtual(memory, Gva(0x6000), NextMappedOptions{100});
  REQUIRE_FALSE(far.ok());
  CHECK(far.error().code == ErrorCode::NotPresent);
  CHECK(far.error().where == 0x6000 + 100 * 0x1000);
}
