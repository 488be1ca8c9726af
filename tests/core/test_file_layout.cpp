// kdmp::file_layout: the file's structures with their exact offsets, sizes and names, for every layout, a 32-bit
// dump, a triage dump and truncated files.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "kdmp/file_layout.hpp"
#include "test_physmem_helpers.hpp"
#include "triage_writer.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace Catch {
template <>
struct StringMaker<FileRegion> {
  static std::string convert(const FileRegion& r) {
    std::string s = "{";
    s += r.kind + ", \"" + r.name + "\", " + hex(r.offset) + ", " + hex(r.size) + "}";
    return s;
  }
};
}  // namespace Catch

namespace {

std::vector<FileRegion> layout_of(std::vector<uint8_t> bytes) {
  auto dump = open_bytes(std::move(bytes));
  REQUIRE(dump.ok());
  return file_layout(*dump);
}

std::vector<uint8_t> truncated(std::vector<uint8_t> bytes, size_t size) {
  bytes.resize(size);
  return bytes;
}

}  // namespace

TEST_CASE("file_layout: a full dump with two runs", "[layout]") {
  CHECK(layout_of(build_dump(full_two_runs())) == std::vector<FileRegion>{
                                                      {"header", "Dump header (PAGEDU64)", 0x0, 0x2000},
                                                      {"run-list", "Run list (2 runs)", 0x88, 0x30},
                                                      {"page-data", "Run 1: 0x4 pages from PFN 0x1", 0x2000, 0x4000},
                                                      {"page-data", "Run 2: 0x2 pages from PFN 0x10", 0x6000, 0x2000},
                                                  });
}

TEST_CASE("file_layout: runs are numbered and placed in file order, not PFN order", "[layout]") {
  // Swap the two run records (at 0x98 and 0xa8): the pages of PFN 0x10 now come first in the file.
  auto bytes = build_dump(full_two_runs());
  le::put64(bytes, 0x98, 0x10);
  le::put64(bytes, 0xa0, 2);
  le::put64(bytes, 0xa8, 0x1);
  le::put64(bytes, 0xb0, 4);
  CHECK(layout_of(bytes) == std::vector<FileRegion>{
                                {"header", "Dump header (PAGEDU64)", 0x0, 0x2000},
                                {"run-list", "Run list (2 runs)", 0x88, 0x30},
                                {"page-data", "Run 1: 0x2 pages from PFN 0x10", 0x2000, 0x2000},
                                {"page-data", "Run 2: 0x4 pages from PFN 0x1", 0x4000, 0x4000},
                            });
}

TEST_CASE("file_layout: a 32-bit full dump", "[layout]") {
  CHECK(layout_of(build_dump(full32())) == std::vector<FileRegion>{
                                               {"header", "Dump header (PAGEDUMP)", 0x0, 0x1000},
                                               {"run-list", "Run list (2 runs)", 0x64, 0x18},
                                               {"page-data", "Run 1: 0x3 pages from PFN 0x0", 0x1000, 0x3000},
                                               {"page-data", "Run 2: 0x1 page from PFN 0x20", 0x4000, 0x1000},
                                           });
}

TEST_CASE("file_layout: a bitmap dump whose bit count is not a multiple of 8", "[layout]") {
  // 0x45 bits: 9 bytes of bitmap, the last one partial; 6 pages from FirstPage 0x3000.
  CHECK(layout_of(build_dump(bitmap_partial_byte())) == std::vector<FileRegion>{
                                                            {"header", "Dump header (PAGEDU64)", 0x0, 0x2000},
                                                            {"bitmap-header", "Bitmap summary header", 0x2000, 0x38},
                                                            {"bitmap", "Page bitmap (69 bits)", 0x2038, 0x9},
                                                            {"page-data", "Page data: 0x6 pages", 0x3000, 0x6000},
                                                        });
}

TEST_CASE("file_layout: a 32-bit bitmap dump has its summary at 0x1000", "[layout]") {
  CHECK(layout_of(build_dump(bitmap32())) == std::vector<FileRegion>{
                                                 {"header", "Dump header (PAGEDUMP)", 0x0, 0x1000},
                                                 {"bitmap-header", "Bitmap summary header", 0x1000, 0x38},
                                                 {"bitmap", "Page bitmap (8 bits)", 0x1038, 0x1},
                                                 {"page-data", "Page data: 0x3 pages", 0x2000, 0x3000},
                                             });
}

TEST_CASE("file_layout: an RDMP dump, one region per range", "[layout]") {
  const std::vector<FileRegion> expected{
      {"header", "Dump header (PAGEDU64)", 0x0, 0x2000},
      {"rdmp-header", "RDMP header", 0x2000, 0x30},
      {"rdmp-ranges", "RDMP ranges (3 ranges)", 0x2030, 0x30},
      {"page-data", "Range 1: 0x3 pages from PFN 0x1", 0x2060, 0x3000},
      {"page-data", "Range 2: 0x2 pages from PFN 0x20", 0x5060, 0x2000},
      {"page-data", "Range 3: 0x4 pages from PFN 0x1000", 0x7060, 0x4000},
  };
  CHECK(layout_of(build_dump(rdmp_kernel())) == expected);
  CHECK(layout_of(build_dump(rdmp_complete())) == expected);
}

TEST_CASE("file_layout: past 256 ranges, one region covers the rest", "[layout]") {
  DumpSpec spec;
  spec.layout = Layout::KernelMemory;
  for (uint64_t i = 0; i < 300; ++i) spec.memory.add_range(2 * i, 1);  // 300 ranges of one page each
  const auto regions = layout_of(build_dump(spec));
  const uint64_t first_page = 0x2030 + 300 * 16;  // 0x32f0
  REQUIRE(regions.size() == 3 + kMaxListedRegions + 1);
  CHECK(regions[2] == FileRegion{"rdmp-ranges", "RDMP ranges (300 ranges)", 0x2030, 300 * 16});
  CHECK(regions[3] == FileRegion{"page-data", "Range 1: 0x1 page from PFN 0x0", first_page, 0x1000});
  CHECK(regions[258] == FileRegion{"page-data", "Range 256: 0x1 page from PFN 0x1fe", first_page + 255 * 0x1000,
                                   0x1000});
  CHECK(regions[259] ==
        FileRegion{"page-data", "44 more ranges: 0x2c pages", first_page + 256 * 0x1000, 44 * 0x1000});
}

TEST_CASE("file_layout: a triage dump names every section the triage reader knows", "[layout]") {
  TriageLayout at;
  const TriageSpec spec = triage64_spec();
  const auto bytes = build_triage(spec, &at);
  CHECK(layout_of(bytes) ==
        std::vector<FileRegion>{
            {"header", "Dump header (PAGEDU64)", 0x0, 0x2000},
            {"triage-header", "Triage header (TRIAGE_DUMP64)", 0x2000, 0x80},
            {"triage-mm", "Mm information", at.mm, 0x50},
            {"triage-unloaded-drivers", "Unloaded drivers (2)", at.unloaded, 8 + 2 * 0x38},
            {"triage-prcb", "KPRCB copy", at.prcb, 0x200},
            {"triage-process", "EPROCESS copy (VA 0xffffc08012345040)", at.process, 0x100},
            {"triage-thread", "ETHREAD copy (VA 0xffffc0801234a080)", at.thread, 0x100},
            {"triage-call-stack", "Call stack (VA 0xffffd0012345e0c0)", at.call_stack, 0x1f40},
            {"triage-kdbg", "KDBG copy (KDDEBUGGER_DATA64)", at.debugger_data, 0x368},
            {"triage-drivers", "Driver list (4 drivers)", at.driver_list, 4 * 0x90},
            {"triage-strings", "String pool (driver names)", at.string_pool, at.string_pool_size},
            {"triage-data-page", "Data page (VA 0xfffff80312a2a000)", at.data_page, 0x1000},
            {"triage-data-blocks", "Data block descriptors (3)", at.data_blocks, 3 * 0x10},
            {"triage-data-block", "Data block 0: 0x1740 bytes (VA 0xffffd0012345e8c0)", at.block_data_offsets[0],
             0x1740},
            {"triage-data-block", "Data block 1: 0x200 bytes (VA 0xffffc08011220000)", at.block_data_offsets[1], 0x200},
            {"triage-data-block", "Data block 2: 0x80 bytes (VA 0xffffc08011220200)", at.block_data_offsets[2], 0x80},
            {"triage-valid", "Validity marker (TRGD)", at.valid_offset, 4},
            {"triage-secondary-data", "Secondary dump data (2 tagged blobs)", at.size_of_dump,
             bytes.size() - at.size_of_dump},
        });
  // The writer's offsets, spelled out once, so a change in the writer shows here too.
  CHECK(at.mm == 0x2080);
  CHECK(at.call_stack == 0x2548);
  CHECK(at.valid_offset == 0x7570);
  CHECK(at.size_of_dump == 0x7574);  // then the secondary data, 0x10 + 0x20 + 0x48 + 0x20 + 0x1000 bytes
  CHECK(bytes.size() == 0x7574 + 0x1098);
}

TEST_CASE("file_layout: a truncated file cuts the last region and drops what lies past its end", "[layout]") {
  SECTION("a run cut in half") {
    // full-truncated.dmp: the file ends 0x800 bytes into run 2's pages.
    const auto regions = layout_of(fixture_bytes("full-truncated.dmp"));
    REQUIRE(regions.size() == 4);
    CHECK(regions[3] == FileRegion{"page-data", "Run 2: 0x2 pages from PFN 0x10 (cut short: the file ends at 0x6800)",
                                   0x6000, 0x800});
  }
  SECTION("a range wholly past the end") {
    const auto regions = layout_of(truncated(build_dump(rdmp_kernel()), 0x7060));
    REQUIRE(regions.size() == 5);
    CHECK(regions.back() == FileRegion{"page-data", "Range 2: 0x2 pages from PFN 0x20", 0x5060, 0x2000});
  }
  SECTION("a triage dump cut inside its call stack") {
    TriageLayout at;
    auto bytes = build_triage(triage64_spec(), &at);
    const auto regions = layout_of(truncated(bytes, at.call_stack + 0x100));
    REQUIRE(!regions.empty());
    CHECK(regions.back() == FileRegion{"triage-call-stack",
                                       "Call stack (VA 0xffffd0012345e0c0) (cut short: the file ends at 0x2648)",
                                       at.call_stack, 0x100});
  }
}

TEST_CASE("file_layout: every fixture's regions are sorted, inside the file, and nest or stay apart", "[layout]") {
  for (const auto& file : all_fixture_files()) {
    auto dump = open_bytes(file.bytes);
    if (!dump.ok()) continue;  // the broken files that do not open
    INFO(file.name);
    const auto regions = file_layout(*dump);
    REQUIRE(!regions.empty());
    CHECK(regions.front().kind == "header");
    for (size_t i = 0; i < regions.size(); ++i) {
      const FileRegion& r = regions[i];
      INFO(Catch::StringMaker<FileRegion>::convert(r));
      CHECK(r.size != 0);
      CHECK(r.offset < file.bytes.size());
      CHECK(r.size <= file.bytes.size() - r.offset);
      if (i == 0) continue;
      const FileRegion& prev = regions[i - 1];
      CHECK((prev.offset < r.offset || (prev.offset == r.offset && prev.size >= r.size)));
      // Any earlier region that r starts inside must hold r whole.
      for (size_t k = 0; k < i; ++k) {
        const FileRegion& o = regions[k];
        if (r.offset < o.offset + o.size) CHECK(r.offset + r.size <= o.offset + o.size);
      }
    }
  }
}
