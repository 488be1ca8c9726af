#include <catch2/catch.hpp>

#include <random>

#include "kdmp/header.hpp"
#include "kdmp/le.hpp"
#include "kdmp/triage.hpp"
#include "triage_writer.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;

namespace {

// A triage dump in memory, its header and the parse result.
struct Opened {
  explicit Opened(std::vector<uint8_t> b)
      : bytes(std::move(b)), source(bytes), header(read_header(source).value()), triage(parse_triage(source, header)) {}
  std::vector<uint8_t> bytes;
  MemorySource source;
  DumpHeader header;
  Result<TriageDump> triage;
};

std::string all_warnings(const TriageDump& t) {
  std::string s;
  for (const auto& w : t.warnings) s += w.code + ": " + w.message + "\n";
  return s;
}

// The first warning with this code whose message contains every fragment.
const Warning* find_warning(const TriageDump& t, const std::string& code, std::vector<std::string> fragments) {
  for (const auto& w : t.warnings) {
    if (w.code != code) continue;
    if (std::all_of(fragments.begin(), fragments.end(),
                    [&](const std::string& f) { return w.message.find(f) != std::string::npos; })) {
      return &w;
    }
  }
  return nullptr;
}

uint64_t read_ptr(TriageMemory& mem, uint64_t va) {
  uint8_t b[8] = {};
  auto st = mem.read_virtual_exact(Gva(va), std::span<uint8_t>(b, mem.pointer_size()));
  INFO(hex(va) << ": " << (st.ok() ? "" : st.error().message));
  REQUIRE(st.ok());
  return mem.pointer_size() == 8 ? le::u64(b, 0) : le::u32(b, 0);
}

// Sorted and disjoint, compared by last byte (a region may end at 2^64).
bool sorted_and_disjoint(const std::vector<TriageRegion>& regions) {
  for (size_t i = 1; i < regions.size(); ++i) {
    const TriageRegion& a = regions[i - 1];
    if (a.size == 0 || a.va.value + (a.size - 1) >= regions[i].va.value) return false;
  }
  return true;
}

// triage64: the faulting frame's stack pointer, the saved stack's start (TopOfStack, KeBugCheckEx's frame), its base.
constexpr uint64_t kTop64 = 0xffffd0012345e8c0, kSaved64 = kTop64 - 0x800, kStackBase64 = 0xffffd00123460000;
constexpr uint64_t kTop32 = 0x9a1b33c0, kStackBase32 = 0x9a1b4000;

}  // namespace

TEST_CASE("triage field table names every field at its file offset", "[triage]") {
  const auto& f64 = triage_fields(true);
  const auto& f32 = triage_fields(false);
  CHECK(f64.size() == 27);
  CHECK(f32.size() == 26);  // no ArchitectureSpecific
  auto at = [](const std::vector<HeaderFieldInfo>& fields, const std::string& name) {
    for (const auto& f : fields) {
      if (name == f.name) return std::make_pair(f.offset, f.size);
    }
    return std::make_pair(0u, 0u);
  };
  CHECK(at(f64, "ServicePackBuild") == std::make_pair(0x2000u, 4u));
  CHECK(at(f64, "DriverCount") == std::make_pair(0x2034u, 4u));
  CHECK(at(f64, "TopOfStack") == std::make_pair(0x2048u, 8u));
  CHECK(at(f64, "ArchitectureSpecific") == std::make_pair(0x2050u, 16u));
  CHECK(at(f64, "DataPageAddress") == std::make_pair(0x2060u, 8u));
  CHECK(at(f64, "DataBlocksCount") == std::make_pair(0x207cu, 4u));
  CHECK(at(f32, "TopOfStack") == std::make_pair(0x1048u, 4u));
  CHECK(at(f32, "DataPageAddress") == std::make_pair(0x104cu, 4u));
  CHECK(at(f32, "DebuggerDataOffset") == std::make_pair(0x1058u, 4u));
  CHECK(at(f32, "DataBlocksCount") == std::make_pair(0x1064u, 4u));
}

TEST_CASE("64-bit triage header: every field", "[triage]") {
  TriageLayout L;
  const TriageSpec spec = triage64_spec();
  Opened o(build_triage(spec, &L));
  REQUIRE(o.triage.ok());
  const TriageDump& t = *o.triage;
  INFO(all_warnings(t));
  CHECK(t.warnings.empty());
  CHECK(o.header.dump_type == 4);
  CHECK(o.header.mini_dump_fields == 0xfff);
  CHECK(t.is64);
  CHECK(t.valid);
  CHECK_FALSE(t.overflowed);  // 0xffffffff means "all options", not overflow
  const TriageHeader& h = t.header;
  CHECK(h.offset == 0x2000);
  CHECK(h.service_pack_build == 0);
  CHECK(h.size_of_dump == L.size_of_dump);
  // As in the real Windows 10/11 minidumps: SizeOfDump is no page multiple, TRGD ends it, the secondary data follows.
  CHECK(h.valid_offset == h.size_of_dump - 4);
  CHECK(h.valid_offset % 8 == 0);
  CHECK(h.size_of_dump % 0x1000 != 0);
  CHECK(L.secondary_data == h.size_of_dump);
  CHECK(o.bytes.size() > h.size_of_dump);
  CHECK(o.header.required_dump_space > o.bytes.size());
  CHECK(h.context_offset == 0x348);
  CHECK(h.exception_offset == 0xf00);
  CHECK(h.mm_offset == 0x2080);  // the first section, 8-aligned after the 0x80-byte triage header
  CHECK(h.unloaded_drivers_offset == L.unloaded);
  CHECK(h.prcb_offset == L.prcb);
  CHECK(h.process_offset == L.process);
  CHECK(h.thread_offset == L.thread);
  CHECK(h.call_stack_offset == L.call_stack);
  CHECK(h.size_of_call_stack == 0x1f40);
  CHECK(h.driver_list_offset == L.driver_list);
  CHECK(h.driver_count == 4);
  CHECK(h.string_pool_offset == L.string_pool);
  CHECK(h.string_pool_size == L.string_pool_size);
  CHECK(h.string_pool_size == 0x130);  // 4 DUMP_STRINGs of full paths, 8-aligned: 0x48 + 0x40 + 0x58 + 0x50
  CHECK(h.broken_driver_offset == 0);
  CHECK(h.triage_options == 0xffffffff);
  CHECK(h.top_of_stack == kSaved64);  // the lowest saved address, below the faulting frame's rsp
  CHECK(h.architecture_specific == std::array<uint8_t, 16>{});
  CHECK(h.data_page_address == 0xfffff80312a2a000);
  CHECK(h.data_page_offset == L.data_page);
  CHECK(h.data_page_size == 0x1000);
  CHECK(h.debugger_data_offset == L.debugger_data);
  CHECK(h.debugger_data_size == 0x368);
  CHECK(h.data_blocks_offset == L.data_blocks);
  CHECK(h.data_blocks_count == 3);
  // The sections follow one another in the kernel's order.
  CHECK(L.mm < L.unloaded);
  CHECK(L.unloaded < L.prcb);
  CHECK(L.thread < L.call_stack);
  CHECK(L.driver_list < L.string_pool);
  CHECK(L.data_page < L.data_blocks);
}

TEST_CASE("32-bit triage header: every field", "[triage]") {
  TriageLayout L;
  Opened o(build_triage(triage32_spec(), &L));
  REQUIRE(o.triage.ok());
  const TriageDump& t = *o.triage;
  INFO(all_warnings(t));
  CHECK(t.warnings.empty());
  CHECK_FALSE(o.header.is64);
  CHECK(o.header.dump_type == 4);
  CHECK_FALSE(t.is64);
  CHECK(t.valid);
  CHECK_FALSE(t.overflowed);
  const TriageHeader& h = t.header;
  CHECK(h.offset == 0x1000);
  CHECK(h.service_pack_build == 0x100);
  CHECK(h.size_of_dump == o.bytes.size());
  CHECK(h.valid_offset == o.bytes.size() - 4);
  CHECK(h.context_offset == 0x320);
  CHECK(h.exception_offset == 0x7d0);
  CHECK(h.mm_offset == 0x1068);
  CHECK(h.unloaded_drivers_offset == L.unloaded);
  CHECK(h.prcb_offset == L.prcb);
  CHECK(h.process_offset == L.process);
  CHECK(h.thread_offset == L.thread);
  CHECK(h.call_stack_offset == L.call_stack);
  CHECK(h.size_of_call_stack == 0xc40);
  CHECK(h.driver_list_offset == L.driver_list);
  CHECK(h.driver_count == 4);
  CHECK(h.string_pool_offset == L.string_pool);
  CHECK(h.string_pool_size == L.string_pool_size);
  CHECK(h.broken_driver_offset == 0);
  CHECK(h.triage_options == 0);
  CHECK(h.top_of_stack == kTop32);
  CHECK(h.data_page_address == 0x82b7d000);
  CHECK(h.data_page_offset == L.data_page);
  CHECK(h.data_page_size == 0x1000);
  CHECK(h.debugger_data_offset == L.debugger_data);
  CHECK(h.debugger_data_size == 0x340);
  CHECK(h.data_blocks_offset == L.data_blocks);
  CHECK(h.data_blocks_count == 3);
}

TEST_CASE("triage driver list: names from the string pool, bases, sizes, timestamps", "[triage]") {
  SECTION("64-bit") {
    TriageLayout L;
    Opened o(build_triage(triage64_spec(), &L));
    REQUIRE(o.triage.ok());
    const auto& d = o.triage->drivers;
    REQUIRE(d.size() == 4);
    // Windows 10 and 11 name drivers by full path and fill in only DllBase, SizeOfImage, CheckSum and
    // TimeDateStamp of the saved KLDR_DATA_TABLE_ENTRY (the real triage_x64.dmp and triage_arm64.dmp).
    CHECK(d[0].name == "\\SystemRoot\\system32\\ntoskrnl.exe");
    CHECK(d[0].base == 0xfffff80312800000);
    CHECK(d[0].size_of_image == 0x1046000);
    CHECK(d[0].time_date_stamp == 0x5f3c2b1a);
    CHECK(d[0].checksum == 0x00a4b5c2);
    CHECK(d[0].entry_point == 0);
    CHECK(d[0].flags == 0);
    CHECK(d[0].load_count == 0);
    CHECK(d[0].entry_offset == L.driver_list);
    CHECK(d[0].name_offset == L.name_offsets[0]);
    CHECK(d[1].name == "\\SystemRoot\\system32\\hal.dll");
    CHECK(d[1].base == 0xfffff80312200000);
    CHECK(d[1].size_of_image == 0x6000);  // since Windows 10 2004 hal.dll is a stub, the HAL is in ntoskrnl
    CHECK(d[1].checksum == 0xce9f);
    CHECK(d[1].time_date_stamp == 0x8f4a2e7c);
    CHECK(d[2].name == "\\SystemRoot\\system32\\drivers\\baddrv.sys");
    CHECK(d[2].index == 2);
    CHECK(d[2].entry_offset == L.driver_list + 2 * 0x90);
    CHECK(d[2].base == 0xfffff80312340000);
    CHECK(d[2].size_of_image == 0x10000);
    CHECK(d[2].time_date_stamp == 0x61e8a0b3);
    CHECK(d[2].checksum == 0x0001c0de);
    CHECK(d[3].name == "\\SystemRoot\\System32\\drivers\\ACPI.sys");
    CHECK(d[3].base == 0xfffff8031a400000);
    CHECK(d[3].size_of_image == 0xd4000);
    CHECK(d[3].time_date_stamp == 0x2b1f63d9);
    CHECK_FALSE(o.triage->broken_driver);
  }
  SECTION("32-bit: 0x4c-byte entries") {
    TriageLayout L;
    Opened o(build_triage(triage32_spec(), &L));
    REQUIRE(o.triage.ok());
    const auto& d = o.triage->drivers;
    REQUIRE(d.size() == 4);
    CHECK(d[0].name == "ntkrpamp.exe");
    CHECK(d[0].base == 0x82a1e000);
    CHECK(d[0].size_of_image == 0x412000);
    CHECK(d[0].time_date_stamp == 0x4ce7951a);
    CHECK(d[0].checksum == 0x0041e2c9);
    CHECK(d[0].entry_point == 0x82a1e000 + 0x12e6c0);
    CHECK(d[1].name == "hal.dll");
    CHECK(d[1].base == 0x829e7000);
    CHECK(d[1].size_of_image == 0x37000);
    CHECK(d[2].name == "baddrv.sys");
    CHECK(d[2].entry_offset == L.driver_list + 2 * 0x4c);
    CHECK(d[2].base == 0x8c8a0000);
    CHECK(d[2].size_of_image == 0x8000);
    CHECK(d[2].time_date_stamp == 0x51a2c3d4);
    CHECK(d[3].name == "ACPI.sys");
    CHECK(d[3].base == 0x8b800000);
    CHECK(d[3].time_date_stamp == 0x4a5bbf0b);
  }
}

TEST_CASE("triage unloaded drivers: inline names cut to 12 units", "[triage]") {
  SECTION("64-bit") {
    TriageLayout L;
    Opened o(build_triage(triage64_spec(), &L));
    REQUIRE(o.triage.ok());
    const auto& u = o.triage->unloaded_drivers;
    REQUIRE(u.size() == 2);
    CHECK(u[0].name == "oldfilt.sys");
    CHECK(u[0].start == 0xfffff8031b000000);
    CHECK(u[0].end == 0xfffff8031b00c000);
    CHECK(u[0].entry_offset == L.unloaded + 8);
    CHECK(u[1].name == "averyveryver");
    CHECK(u[1].start == 0xfffff8031b100000);
    CHECK(u[1].end == 0xfffff8031b120000);
    CHECK(u[1].entry_offset == L.unloaded + 8 + 0x38);
  }
  SECTION("32-bit") {
    TriageLayout L;
    Opened o(build_triage(triage32_spec(), &L));
    REQUIRE(o.triage.ok());
    const auto& u = o.triage->unloaded_drivers;
    REQUIRE(u.size() == 2);
    CHECK(u[0].name == "oldfilt.sys");
    CHECK(u[0].start == 0x8d000000);
    CHECK(u[0].end == 0x8d00c000);
    CHECK(u[0].entry_offset == L.unloaded + 4);
    CHECK(u[1].name == "averyveryver");
    CHECK(u[1].entry_offset == L.unloaded + 4 + 0x28);
    CHECK(u[1].end == 0x8d120000);
  }
}

TEST_CASE("triage data blocks and the region map", "[triage]") {
  TriageLayout L;
  Opened o(build_triage(triage64_spec(), &L));
  REQUIRE(o.triage.ok());
  const TriageDump& t = *o.triage;
  REQUIRE(t.data_blocks.size() == 3);
  CHECK(t.data_blocks[0].va == Gva(kTop64));  // the stack again, from the faulting frame to the base
  CHECK(t.data_blocks[0].size == 0x1740);
  CHECK(t.data_blocks[0].file_offset == FileOffset(L.block_data_offsets[0]));
  CHECK(t.data_blocks[0].descriptor_offset == L.data_blocks);
  CHECK(t.data_blocks[0].file_offset.value == L.data_blocks + 3 * 16);  // the data follows the descriptors
  CHECK(t.data_blocks[1].va == Gva(0xffffc08011220000));
  CHECK(t.data_blocks[1].size == 0x200);
  CHECK(t.data_blocks[2].va == Gva(0xffffc08011220200));
  CHECK(t.data_blocks[2].size == 0x80);
  CHECK(t.data_blocks[2].file_offset.value == L.block_data_offsets[2]);

  // Sorted by address: the two pool blocks, the process and thread copies, the stack, then the kernel image's KDBG
  // copy and data page. Data block 0 lies inside the stack with the same bytes: it adds no region and no warning,
  // as in the real dumps, where Windows saves stretches of the stack, the thread and the process twice.
  INFO(all_warnings(t));
  CHECK(t.warnings.empty());
  struct Expect {
    TriageRegionKind kind;
    uint64_t va, size, file;
  };
  const std::vector<Expect> expected = {
      {TriageRegionKind::DataBlock, 0xffffc08011220000, 0x200, L.block_data_offsets[1]},
      {TriageRegionKind::DataBlock, 0xffffc08011220200, 0x80, L.block_data_offsets[2]},
      {TriageRegionKind::Process, 0xffffc08012345040, 0x100, L.process},
      {TriageRegionKind::Thread, 0xffffc0801234a080, 0x100, L.thread},
      {TriageRegionKind::CallStack, kSaved64, 0x1f40, L.call_stack},
      {TriageRegionKind::DebuggerData, 0xfffff80312a00ba0, 0x368, L.debugger_data},
      {TriageRegionKind::DataPage, 0xfffff80312a2a000, 0x1000, L.data_page},
  };
  REQUIRE(t.regions.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("region " << i);
    CHECK(t.regions[i].kind == expected[i].kind);
    CHECK(t.regions[i].va.value == expected[i].va);
    CHECK(t.regions[i].size == expected[i].size);
    CHECK(t.regions[i].file_offset.value == expected[i].file);
  }
  CHECK(t.regions[1].index == 2);
  CHECK(std::string(triage_region_kind_name(TriageRegionKind::CallStack)) == "call stack");
}

TEST_CASE("triage blobs and the KDBG copy", "[triage]") {
  TriageLayout L;
  Opened o(build_triage(triage64_spec(), &L));
  REQUIRE(o.triage.ok());
  const TriageDump& t = *o.triage;
  REQUIRE(t.blobs.size() == 4);
  CHECK(t.blobs[0].name == "KPRCB");
  CHECK(t.blobs[0].offset.value == L.prcb);
  CHECK(t.blobs[0].size == 0x200);  // SizePrcb from the KDBG copy
  CHECK_FALSE(t.blobs[0].va);       // the file does not say where the PRCB lives
  CHECK(t.blobs[1].name == "EPROCESS");
  CHECK(t.blobs[1].size == 0x100);
  CHECK(t.blobs[1].va == Gva(0xffffc08012345040));
  CHECK(t.blobs[2].name == "ETHREAD");
  CHECK(t.blobs[2].offset.value == L.thread);
  CHECK(t.blobs[2].va == Gva(0xffffc0801234a080));
  CHECK(t.blobs[3].name == "Mm information");
  CHECK(t.blobs[3].offset.value == L.mm);
  CHECK(t.blobs[3].size == 0x50);

  REQUIRE(t.debugger_data_offset);
  CHECK(t.debugger_data_offset->value == L.debugger_data);
  REQUIRE(t.debugger_data.size() == 0x368);
  CHECK(le::u32(t.debugger_data, 0x10) == 0x4742444b);  // "KDBG"
  CHECK(le::u32(t.debugger_data, 0x14) == 0x368);
  CHECK(le::u64(t.debugger_data, 0x18) == 0xfffff80312800000);  // KernBase
  CHECK(le::u64(t.debugger_data, 0x48) == 0xfffff80312a2a2b0);  // PsLoadedModuleList
}

TEST_CASE("triage secondary data: the tagged blobs after SizeOfDump", "[triage]") {
  TriageLayout L;
  Opened o(build_triage(triage64_spec(), &L));
  REQUIRE(o.triage.ok());
  const TriageDump& t = *o.triage;
  INFO(all_warnings(t));
  CHECK(t.warnings.empty());
  REQUIRE(t.secondary_data);
  const TriageSecondaryData& s = *t.secondary_data;
  CHECK(s.offset == L.size_of_dump);
  CHECK(s.build_number == 0xf0004a61);
  CHECK(s.end == o.bytes.size());
  REQUIRE(s.blobs.size() == 2);
  CHECK(s.blobs[0].offset == L.secondary_blob_offsets[0]);
  CHECK(s.blobs[0].offset == L.size_of_dump + 0x10);
  CHECK(s.blobs[0].tag[0] == 0x1a);
  CHECK(s.blobs[0].tag[15] == 0x77);
  CHECK(s.blobs[0].data_offset == s.blobs[0].offset + 0x20);
  CHECK(s.blobs[0].data_size == 0x44);
  CHECK(s.blobs[1].offset == s.blobs[0].offset + 0x20 + 0x44 + 4);  // after the post-padding
  CHECK(s.blobs[1].data_size == 0x1000);

  SECTION("cut inside the last blob") {
    Opened cut(std::vector<uint8_t>(o.bytes.begin(), o.bytes.end() - 0x10));
    REQUIRE(cut.triage.ok());
    CHECK(find_warning(*cut.triage, "triage-truncated",
                       {"secondary data blob 1 (at " + hex(L.secondary_blob_offsets[1]) + ")",
                        "the file ends at " + hex(o.bytes.size() - 0x10)}));
    REQUIRE(cut.triage->secondary_data);
    CHECK(cut.triage->secondary_data->blobs.size() == 1);
    CHECK(cut.triage->valid);  // the triage dump proper is whole
  }
  SECTION("cut inside a blob header") {
    Opened cut(std::vector<uint8_t>(o.bytes.begin(), o.bytes.begin() + L.secondary_blob_offsets[1] + 0x8));
    REQUIRE(cut.triage.ok());
    CHECK(find_warning(*cut.triage, "triage-truncated", {"secondary data blob 1", "8 bytes into its header"}));
  }
  SECTION("a header that is none") {
    std::vector<uint8_t> bytes = o.bytes;
    le::put32(bytes, L.secondary_blob_offsets[1], 0x7);
    Opened bad(bytes);
    REQUIRE(bad.triage.ok());
    CHECK(find_warning(*bad.triage, "triage-secondary-data", {"secondary data blob 1", "HeaderSize of 0x7"}));
    CHECK(bad.triage->secondary_data->blobs.size() == 1);
  }
  SECTION("none: the 32-bit sample ends at SizeOfDump") {
    Opened x86(triage32_sample());
    REQUIRE(x86.triage.ok());
    CHECK_FALSE(x86.triage->secondary_data);
  }
}

TEST_CASE("TriageMemory reads the saved regions", "[triage]") {
  SECTION("64-bit") {
    Opened o(triage64_sample());
    REQUIRE(o.triage.ok());
    TriageMemory mem(o.source, *o.triage);
    CHECK(mem.pointer_size() == 8);
    // The stack: the VA pattern, with the return addresses the writer planted.
    CHECK(read_ptr(mem, kTop64) == kTop64);
    CHECK(read_ptr(mem, kTop64 + 0x28) == 0xfffff80312340000 + 0x1234);
    CHECK(read_ptr(mem, kTop64 + 0x58) == 0xfffff80312800000 + 0x3f5a10);
    CHECK(read_ptr(mem, kStackBase64 - 8) == kStackBase64 - 8);
    // Below the faulting frame, from TopOfStack: KeBugCheckEx's return address, and the context and exception
    // records bug check 0x1000007E's parameters 4 and 3 point to.
    CHECK(read_ptr(mem, kSaved64) == 0xfffff80312800000 + 0x40f4e1);
    CHECK(read_ptr(mem, o.header.bugcheck_parameters[3] + 0xf8) == 0xfffff80312340000 + 0xabcd);  // Rip
    CHECK(read_ptr(mem, o.header.bugcheck_parameters[3] + 0x98) == kTop64);                       // Rsp
    CHECK(read_ptr(mem, o.header.bugcheck_parameters[2]) == 0xc0000005);  // ExceptionCode, ExceptionFlags 0
    // Unaligned, across data blocks 1 and 2.
    std::vector<uint8_t> blocks(0x10);
    REQUIRE(mem.read_virtual_exact(Gva(0xffffc080112201fc), blocks).ok());
    CHECK(le::u32(blocks, 0) == 0xffffc080);  // high half of the u64 at ...1f8
    CHECK(le::u64(blocks, 4) == 0xffffc08011220200);
    // The KDBG copy at the header's KdDebuggerDataBlock, the thread and process copies at their addresses.
    CHECK(read_ptr(mem, 0xfffff80312a00ba0 + 0x48) == 0xfffff80312a2a2b0);
    CHECK(read_ptr(mem, 0xffffc0801234a080 + 0x40) == 0xffffc0801234a080 + 0x40);
    CHECK(read_ptr(mem, 0xffffc0801234a080 + 0xb8) == 0xffffc08012345040);
    CHECK(read_ptr(mem, 0xffffc08012345040 + 0x10) == 0xffffc08012345050);
    CHECK(read_ptr(mem, 0xfffff80312a2a2b0) == 0xfffff80312a2a2b0);  // data page

    // Outside every region: NotPresent naming the address.
    uint8_t b[8];
    auto miss = mem.read_virtual_exact(Gva(0xffffc08011220280), b);
    REQUIRE_FALSE(miss.ok());
    CHECK(miss.error().code == ErrorCode::NotPresent);
    CHECK(miss.error().where == 0xffffc08011220280);
    CHECK(miss.error().message ==
          "virtual address 0xffffc08011220280 is not among the triage dump's saved regions");
    // Starting inside a region and running out of it: the error names the first missing byte.
    auto tail = mem.read_virtual_exact(Gva(kStackBase64 - 4), b);
    REQUIRE_FALSE(tail.ok());
    CHECK(tail.error().code == ErrorCode::NotPresent);
    CHECK(tail.error().where == kStackBase64);
    CHECK(mem.read_virtual_exact(Gva(kSaved64 - 1), std::span<uint8_t>(b, 1)).error().where == kSaved64 - 1);
    CHECK(mem.read_virtual_exact(Gva(0xffffffffffffffff), b).error().code == ErrorCode::NotPresent);
    CHECK(mem.read_virtual_exact(Gva(0), std::span<uint8_t>()).ok());
    CHECK(mem.find(Gva(kTop64 + 0x100))->kind == TriageRegionKind::CallStack);  // not data block 0's copy
    CHECK(mem.find(Gva(kSaved64 - 1)) == nullptr);
  }
  SECTION("32-bit") {
    Opened o(triage32_sample());
    REQUIRE(o.triage.ok());
    TriageMemory mem(o.source, *o.triage);
    CHECK(mem.pointer_size() == 4);
    CHECK(read_ptr(mem, kTop32) == kTop32);
    CHECK(read_ptr(mem, kTop32 + 0x14) == 0x8c8a1234);
    CHECK(read_ptr(mem, kTop32 + 0x2c) == 0x82a1e000 + 0x5a10);
    std::vector<uint8_t> across(0x10);
    REQUIRE(mem.read_virtual_exact(Gva(kStackBase32 - 8), across).ok());
    CHECK(le::u32(across, 0) == kStackBase32 - 8);
    CHECK(le::u32(across, 4) == kStackBase32 - 4);
    CHECK(le::u32(across, 8) == kStackBase32);
    CHECK(le::u32(across, 12) == kStackBase32 + 4);
    // Data blocks are stored with sign-extended addresses; kdmpview spells 32-bit VAs zero-extended.
    CHECK(o.triage->data_blocks[1].va == Gva(0x88123000));
    CHECK(read_ptr(mem, 0x881231fc) == 0x881231fc);
    CHECK(read_ptr(mem, 0x88123200) == 0x88123200);
    CHECK(read_ptr(mem, 0x82b6bc28 + 0x10) == 0x4742444b);          // KDBG copy
    CHECK(read_ptr(mem, 0x8a3c6d48 + 0x50) == 0x8a2f1030);          // thread -> process
    CHECK(read_ptr(mem, 0x8a2f1030 + 0x20) == 0x8a2f1050);          // process copy
    CHECK(read_ptr(mem, 0x82b7d850) == 0x82b7d850);                 // data page
    uint8_t b[4];
    auto miss = mem.read_virtual_exact(Gva(0x88123280), b);
    REQUIRE_FALSE(miss.ok());
    CHECK(miss.error().code == ErrorCode::NotPresent);
    CHECK(miss.error().message == "virtual address 0x88123280 is not among the triage dump's saved regions");
    CHECK(mem.read_virtual_exact(Gva(0xffffffff88123000), b).error().code == ErrorCode::NotPresent);
  }
}

TEST_CASE("triage: a huge DriverCount is capped to what fits in the file", "[triage]") {
  TriageSpec spec = triage64_spec();
  spec.overrides["DriverCount"] = 0xffffffff;
  TriageLayout L;
  Opened o(build_triage(spec, &L));
  REQUIRE(o.triage.ok());
  const TriageDump& t = *o.triage;
  INFO(all_warnings(t));
  const uint64_t fit = (o.bytes.size() - L.driver_list) / 0x90;
  CHECK(find_warning(t, "triage-count-capped",
                     {"DriverCount (at 0x2034) = 0xffffffff", "reading " + std::to_string(fit)}));
  REQUIRE(t.drivers.size() == fit);
  CHECK(t.drivers[0].name == "\\SystemRoot\\system32\\ntoskrnl.exe");
  CHECK(t.drivers[3].name == "\\SystemRoot\\System32\\drivers\\ACPI.sys");
  // The entries past the real four are the string pool and beyond: their names are unreadable, and said so.
  CHECK(find_warning(t, "triage-driver-name", {"driver 4's DriverNameOffset (at " + hex(L.driver_list + 4 * 0x90)}));
  CHECK(t.unloaded_drivers.size() == 2);
  CHECK(t.regions.size() == 7);
}

TEST_CASE("triage: offsets past the end of the file skip that part only", "[triage]") {
  TriageSpec spec = triage64_spec();
  SECTION("DriverListOffset") {
    spec.overrides["DriverListOffset"] = 0x7ffff000;
    Opened o(build_triage(spec));
    REQUIRE(o.triage.ok());
    const TriageDump& t = *o.triage;
    INFO(all_warnings(t));
    CHECK(find_warning(t, "triage-out-of-file",
                       {"DriverListOffset (at 0x2030) = 0x7ffff000", "the driver list", "past the end of the file"}));
    CHECK(t.drivers.empty());
    CHECK(t.unloaded_drivers.size() == 2);
    CHECK(t.data_blocks.size() == 3);
  }
  SECTION("DataBlocksOffset") {
    spec.overrides["DataBlocksOffset"] = 0x80000000;
    Opened o(build_triage(spec));
    REQUIRE(o.triage.ok());
    const TriageDump& t = *o.triage;
    INFO(all_warnings(t));
    CHECK(find_warning(t, "triage-out-of-file", {"DataBlocksOffset (at 0x2078) = 0x80000000"}));
    CHECK(t.data_blocks.empty());
    CHECK(t.drivers.size() == 4);
    TriageMemory mem(o.source, t);
    CHECK(read_ptr(mem, kTop64) == kTop64);
  }
  SECTION("CallStackOffset") {
    spec.overrides["CallStackOffset"] = 0x123456;
    Opened o(build_triage(spec));
    REQUIRE(o.triage.ok());
    const TriageDump& t = *o.triage;
    INFO(all_warnings(t));
    CHECK(find_warning(t, "triage-out-of-file", {"CallStackOffset (at 0x2028) = 0x123456", "call stack"}));
    TriageMemory mem(o.source, t);
    uint8_t b[8];
    CHECK(mem.read_virtual_exact(Gva(kSaved64), b).error().code == ErrorCode::NotPresent);
    CHECK(read_ptr(mem, kTop64) == kTop64);  // data block 0, the copy from the faulting frame up, is still there
  }
  SECTION("SizeOfCallStack runs past the end of the file") {
    spec.overrides["SizeOfCallStack"] = 0x40000000;
    Opened o(build_triage(spec));
    REQUIRE(o.triage.ok());
    const TriageDump& t = *o.triage;
    INFO(all_warnings(t));
    CHECK(find_warning(t, "triage-region-truncated", {"CallStackOffset (at 0x2028)", "runs past the end of the file"}));
    // The stack, cut at the end of the file, now covers what follows it in the file, but no later region lies in
    // that stretch but data block 0, whose bytes it still has: nothing to report.
    CHECK_FALSE(find_warning(t, "triage-region-overlap", {}));
    TriageMemory mem(o.source, t);
    CHECK(read_ptr(mem, kTop64 + 0x28) == 0xfffff80312340000 + 0x1234);
  }
  SECTION("UnloadedDriversOffset, StringPoolOffset, DebuggerDataOffset, PrcbOffset, MmOffset") {
    spec.overrides["UnloadedDriversOffset"] = 0x10000000;
    spec.overrides["StringPoolOffset"] = 0x10000000;
    spec.overrides["DebuggerDataOffset"] = 0x10000000;
    spec.overrides["PrcbOffset"] = 0x10000000;
    spec.overrides["MmOffset"] = 0x10000000;
    Opened o(build_triage(spec));
    REQUIRE(o.triage.ok());
    const TriageDump& t = *o.triage;
    INFO(all_warnings(t));
    CHECK(find_warning(t, "triage-out-of-file", {"UnloadedDriversOffset (at 0x2018) = 0x10000000"}));
    CHECK(find_warning(t, "triage-out-of-file", {"StringPoolOffset (at 0x2038) = 0x10000000"}));
    CHECK(find_warning(t, "triage-out-of-file", {"DebuggerDataOffset (at 0x2070) = 0x10000000", "KDBG"}));
    CHECK(find_warning(t, "triage-out-of-file", {"PrcbOffset (at 0x201c) = 0x10000000", "KPRCB"}));
    CHECK(find_warning(t, "triage-out-of-file", {"MmOffset (at 0x2014) = 0x10000000"}));
    CHECK(t.unloaded_drivers.empty());
    CHECK(t.debugger_data.empty());
    // Names are found through each entry's DriverNameOffset, not the pool's offset.
    REQUIRE(t.drivers.size() == 4);
    CHECK(t.drivers[2].name == "\\SystemRoot\\system32\\drivers\\baddrv.sys");
    // Without the KDBG copy the thread and process cannot be placed; the rest is intact.
    CHECK(t.regions.size() == 4);
  }
}

TEST_CASE("triage: ValidOffset without TRGD", "[triage]") {
  SECTION("the marker is missing") {
    TriageSpec spec = triage64_spec();
    spec.valid_marker = false;
    TriageLayout L;
    Opened o(build_triage(spec, &L));
    REQUIRE(o.triage.ok());
    const TriageDump& t = *o.triage;
    CHECK_FALSE(t.valid);
    CHECK(find_warning(t, "triage-not-valid",
                       {"ValidOffset (at 0x2008) = " + hex(L.valid_offset), "is 0x0, not TRGD"}));
    CHECK(t.warnings.size() == 1);
    CHECK(t.drivers.size() == 4);
    CHECK(t.regions.size() == 7);
  }
  SECTION("ValidOffset lies past the file (32-bit)") {
    TriageSpec spec = triage32_spec();
    spec.overrides["ValidOffset"] = 0xfffffffc;
    Opened o(build_triage(spec));
    REQUIRE(o.triage.ok());
    CHECK_FALSE(o.triage->valid);
    CHECK(find_warning(*o.triage, "triage-out-of-file", {"ValidOffset (at 0x1008) = 0xfffffffc", "TRGD"}));
  }
}

TEST_CASE("triage: a truncated file keeps what it still holds", "[triage]") {
  TriageLayout full;
  build_triage(triage64_spec(), &full);
  TriageSpec spec = triage64_spec();
  spec.truncate_to = full.block_data_offsets[1] + 0x10;  // inside data block 1
  Opened o(build_triage(spec));
  REQUIRE(o.triage.ok());
  const TriageDump& t = *o.triage;
  INFO(all_warnings(t));
  CHECK(find_warning(t, "triage-truncated", {"SizeOfDump (at 0x2004) = " + hex(full.size_of_dump),
                                             "the file is only " + hex(o.bytes.size())}));
  CHECK(find_warning(t, "triage-out-of-file", {"ValidOffset (at 0x2008)"}));
  CHECK(find_warning(t, "triage-region-truncated", {"data block 1", "only 0xffffc08011220000..0xffffc0801122000f"}));
  CHECK(find_warning(t, "triage-out-of-file", {"data block 2", "lie past the end of the file"}));
  CHECK_FALSE(t.valid);
  CHECK(t.drivers.size() == 4);
  CHECK(t.data_blocks.size() == 3);  // the descriptors are all there
  TriageMemory mem(o.source, t);
  CHECK(read_ptr(mem, kTop64) == kTop64);
  CHECK(read_ptr(mem, 0xffffc08011220008) == 0xffffc08011220008);
  uint8_t b[8];
  CHECK(mem.read_virtual_exact(Gva(0xffffc08011220010), b).error().where == 0xffffc08011220010);

  SECTION("inside the triage header: an error") {
    TriageSpec cut = triage64_spec();
    cut.truncate_to = 0x2040;
    Opened c(build_triage(cut));
    REQUIRE_FALSE(c.triage.ok());
    CHECK(c.triage.error().code == ErrorCode::BadTriage);
    CHECK(c.triage.error().message ==
          "the file ends at 0x2040, inside the triage header (TRIAGE_DUMP64, 0x80 bytes at 0x2000)");
  }
}

TEST_CASE("triage: overlapping regions, the earlier one wins", "[triage]") {
  TriageSpec spec = triage64_spec();
  // A block over the stack's last 0x20 bytes and 0x20 beyond, holding 0xee bytes.
  spec.data_blocks.push_back({kStackBase64 - 0x20, std::vector<uint8_t>(0x40, 0xee)});
  Opened o(build_triage(spec));
  REQUIRE(o.triage.ok());
  const TriageDump& t = *o.triage;
  INFO(all_warnings(t));
  CHECK(find_warning(t, "triage-region-overlap", {"data block 3", "overlaps the call stack at " + hex(kSaved64) +
                                                                      ".." + hex(kStackBase64 - 1),
                                                  "with different bytes"}));
  TriageMemory mem(o.source, t);
  CHECK(read_ptr(mem, kStackBase64 - 8) == kStackBase64 - 8);       // the stack's bytes
  CHECK(read_ptr(mem, kStackBase64) == 0xeeeeeeeeeeeeeeee);         // block 3's, past the stack
  CHECK(sorted_and_disjoint(t.regions));

  SECTION("a later block fills only the gaps between earlier ones") {
    const uint64_t x = 0xffffc08055500000;
    TriageSpec gaps = triage64_spec();
    gaps.data_blocks = {{x, va_pattern(x, 0x10, true)},
                        {x + 0x20, va_pattern(x + 0x20, 0x10, true)},
                        {x, std::vector<uint8_t>(0x40, 0xcc)}};
    TriageLayout L;
    Opened g(build_triage(gaps, &L));
    REQUIRE(g.triage.ok());
    INFO(all_warnings(*g.triage));
    CHECK(find_warning(*g.triage, "triage-region-overlap",
                       {"data block 2", "overlaps the data block at " + hex(x) + ".." + hex(x + 0xf)}));
    std::vector<TriageRegion> mine;
    for (const auto& r : g.triage->regions) {
      if (r.va.value >= x && r.va.value < x + 0x40) mine.push_back(r);
    }
    REQUIRE(mine.size() == 4);  // block 0, the gap from block 2, block 1, the tail from block 2
    CHECK(mine[1].index == 2);
    CHECK(mine[1].va.value == x + 0x10);
    CHECK(mine[1].size == 0x10);
    CHECK(mine[1].file_offset.value == L.block_data_offsets[2] + 0x10);
    CHECK(mine[3].va.value == x + 0x30);
    CHECK(mine[3].file_offset.value == L.block_data_offsets[2] + 0x30);
    TriageMemory mem(g.source, *g.triage);
    std::vector<uint8_t> all(0x40);
    REQUIRE(mem.read_virtual_exact(Gva(x), all).ok());
    CHECK(le::u64(all, 0x08) == x + 0x08);
    CHECK(le::u64(all, 0x10) == 0xcccccccccccccccc);
    CHECK(le::u64(all, 0x28) == x + 0x28);
    CHECK(le::u64(all, 0x38) == 0xcccccccccccccccc);
  }
}

TEST_CASE("triage: the broken driver", "[triage]") {
  SECTION("a driver-list entry") {
    TriageSpec spec = triage64_spec();
    spec.broken_driver = 2;
    TriageLayout L;
    Opened o(build_triage(spec, &L));
    REQUIRE(o.triage.ok());
    REQUIRE(o.triage->broken_driver);
    CHECK(o.triage->broken_driver->offset == L.driver_list + 2 * 0x90);
    CHECK(o.triage->broken_driver->driver_index == 2u);
    CHECK(o.triage->broken_driver->name == "\\SystemRoot\\system32\\drivers\\baddrv.sys");
  }
  SECTION("a DUMP_STRING") {
    TriageLayout L;
    build_triage(triage32_spec(), &L);
    TriageSpec spec = triage32_spec();
    spec.overrides["BrokenDriverOffset"] = L.name_offsets[2];
    Opened o(build_triage(spec));
    REQUIRE(o.triage.ok());
    REQUIRE(o.triage->broken_driver);
    CHECK_FALSE(o.triage->broken_driver->driver_index);
    CHECK(o.triage->broken_driver->name == "baddrv.sys");
  }
  SECTION("neither") {
    TriageSpec spec = triage64_spec();
    spec.overrides["BrokenDriverOffset"] = 0x10;  // inside the dump header
    Opened o(build_triage(spec));
    REQUIRE(o.triage.ok());
    CHECK_FALSE(o.triage->broken_driver);
    CHECK(find_warning(*o.triage, "triage-broken-driver", {"BrokenDriverOffset (at 0x2040) = 0x10"}));
  }
}

TEST_CASE("triage: hostile counts and names", "[triage]") {
  TriageLayout L;
  std::vector<uint8_t> bytes = build_triage(triage64_spec(), &L);
  SECTION("a DriverNameOffset past the file") {
    le::put32(bytes, L.driver_list + 0x90, 0x7fffffff);
    Opened o(bytes);
    REQUIRE(o.triage.ok());
    const auto& d = o.triage->drivers;
    REQUIRE(d.size() == 4);
    CHECK(d[1].name.empty());
    CHECK(d[1].base == 0xfffff80312200000);
    CHECK(find_warning(*o.triage, "triage-driver-name",
                       {"driver 1's DriverNameOffset (at " + hex(L.driver_list + 0x90) + ") = 0x7fffffff"}));
  }
  SECTION("a name length beyond the file") {
    le::put32(bytes, L.name_offsets[3], 0x40000000);
    Opened o(bytes);
    REQUIRE(o.triage.ok());
    CHECK(o.triage->drivers[3].name.empty());
    CHECK(find_warning(*o.triage, "triage-driver-name", {"driver 3's", "claims 1073741824 UTF-16 units"}));
  }
  SECTION("an unloaded-driver count above 50") {
    le::put32(bytes, L.unloaded, 100000);
    Opened o(bytes);
    REQUIRE(o.triage.ok());
    CHECK(find_warning(*o.triage, "triage-count-capped", {"unloaded-driver count at " + hex(L.unloaded), "at most 50"}));
    REQUIRE(o.triage->unloaded_drivers.size() == 50);
    CHECK(o.triage->unloaded_drivers[0].name == "oldfilt.sys");
  }
  SECTION("a giant DebuggerDataSize, a ContextOffset that is not the header's") {
    TriageSpec spec = triage64_spec();
    spec.overrides["DebuggerDataSize"] = 0x2000000;
    spec.overrides["ContextOffset"] = 0x400;
    Opened o(build_triage(spec));
    REQUIRE(o.triage.ok());
    CHECK(find_warning(*o.triage, "triage-too-large", {"DebuggerDataSize (at 0x2074) = 0x2000000"}));
    CHECK(o.triage->debugger_data.empty());
    CHECK(find_warning(*o.triage, "triage-record-offset",
                       {"ContextOffset (at 0x200c) = 0x400", "context record is at 0x348"}));
  }
  SECTION("a huge DataBlocksCount") {
    TriageSpec spec = triage64_spec();
    spec.overrides["DataBlocksCount"] = 0x7fffffff;
    Opened o(build_triage(spec));
    REQUIRE(o.triage.ok());
    CHECK(find_warning(*o.triage, "triage-count-capped", {"DataBlocksCount (at 0x207c) = 0x7fffffff"}));
    CHECK(o.triage->data_blocks.size() >= 3);
    CHECK(o.triage->data_blocks[2].va == Gva(0xffffc08011220200));
  }
}

TEST_CASE("triage: 12-byte data block records in a 32-bit dump", "[triage]") {
  TriageSpec spec = triage32_spec();
  spec.data_block_stride32 = 12;
  Opened o(build_triage(spec));
  REQUIRE(o.triage.ok());
  CHECK(find_warning(*o.triage, "triage-data-block-layout", {"12 bytes each"}));
  REQUIRE(o.triage->data_blocks.size() == 3);
  CHECK(o.triage->data_blocks[2].va == Gva(0x88123200));
  CHECK(o.triage->data_blocks[2].size == 0x80);
  TriageMemory mem(o.source, *o.triage);
  CHECK(read_ptr(mem, 0x88123204) == 0x88123204);
}

TEST_CASE("triage: not a triage dump", "[triage]") {
  TriageSpec spec = triage64_spec();
  auto bytes = build_triage(spec);
  le::put32(bytes, 0xf98, 1);
  MemorySource src(bytes);
  auto header = read_header(src);
  REQUIRE(header.ok());
  auto t = parse_triage(src, *header);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("triage: random corruption of the triage header never crashes", "[triage]") {
  TriageLayout L;
  const auto clean = build_triage(triage64_spec(), &L);
  const auto clean32 = build_triage(triage32_spec());
  std::mt19937 rng(7);
  for (int round = 0; round < 400; ++round) {
    auto bytes = (round % 2 == 0) ? clean : clean32;
    const uint64_t base = round % 2 == 0 ? 0x2000 : 0x1000;
    const uint64_t size = round % 2 == 0 ? 0x80 : 0x68;
    for (int k = 0; k < 4; ++k) {
      const uint64_t at = base + (rng() % (size / 4)) * 4;
      const uint32_t choice = rng() % 4;
      const uint32_t value = choice == 0   ? static_cast<uint32_t>(rng())
                             : choice == 1 ? static_cast<uint32_t>(rng() % (bytes.size() + 0x100))
                             : choice == 2 ? 0xffffffff
                                           : 0;
      le::put32(bytes, at, value);
    }
    if (round % 5 == 0) bytes.resize(base + size + rng() % (bytes.size() - base - size));
    MemorySource src(bytes);
    auto header = read_header(src);
    REQUIRE(header.ok());
    auto t = parse_triage(src, *header);
    REQUIRE(t.ok());
    CHECK(t->drivers.size() <= 16384);
    CHECK(t->data_blocks.size() <= 4096);
    TriageMemory mem(src, *t);
    for (const auto& r : t->regions) {
      std::vector<uint8_t> b(std::min<uint64_t>(r.size, 64));
      CHECK(mem.read_virtual_exact(r.va, b).ok());
    }
    CHECK(sorted_and_disjoint(t->regions));
  }
}
