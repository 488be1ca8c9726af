// Two real Windows kernel minidumps (DumpType 4), checked against what rizin's test suite expects of the same files
// (rizinorg/rizin test/db/formats/dmp/dmp: the iH header dump, dr registers, dbt backtrace) and against the files'
// own cross-checks (ntoskrnl's PE header saved in a data block, the CONTEXT and EXCEPTION_RECORD the bug check's
// parameters point to, the KPRCB's saved context).
//
// The files are rizin's test data (rizinorg/rizin-testbins, dmp/triage_x64.dmp and dmp/triage_arm64.dmp) and are
// not in this repository: these tests run only when KDMP_REAL_DUMPS names a directory holding both, e.g.
//   KDMP_REAL_DUMPS=/work/realdumps ctest --test-dir build -R real --output-on-failure
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "kdmp/crash_exception.hpp"
#include "kdmp/exception.hpp"
#include "kdmp/file_layout.hpp"
#include "kdmp/kdbg.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::testing;

namespace {

// The file's bytes, or empty (with a message) when KDMP_REAL_DUMPS does not name a directory that holds it.
std::vector<uint8_t> real_dump(const char* name) {
  const char* dir = std::getenv("KDMP_REAL_DUMPS");
  if (dir == nullptr || *dir == '\0') {
    WARN("KDMP_REAL_DUMPS is not set: skipping the real dump " << name);
    return {};
  }
  const std::filesystem::path path = std::filesystem::path(dir) / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    WARN("KDMP_REAL_DUMPS=" << dir << " holds no " << name << ": skipping it");
    return {};
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every warning, one a line ("" when there are none).
std::string all_warnings(const Analyzed& a) {
  std::string out;
  for (const auto* list : {&a.dump->warnings(), &a.analysis.warnings, &a.analysis.modules.warnings}) {
    for (const Warning& w : *list) out += w.code + ": " + w.message + "\n";
  }
  return out;
}

struct ExpectedModule {
  const char* name;
  const char* path;
  uint64_t base;
  uint64_t size;
  uint32_t checksum, timestamp;
};

void check_module(const Analyzed& a, const ExpectedModule& e) {
  INFO(e.name);
  const Module* m = a.module(e.name, ModuleKind::Kernel);
  REQUIRE(m != nullptr);
  CHECK(m->path == e.path);
  CHECK(m->base == e.base);
  CHECK(m->size == e.size);
  CHECK(m->checksum == e.checksum);
  CHECK(m->timestamp == e.timestamp);
}

bool has_entry(const StackScan& s, uint64_t value, bool probable_return) {
  for (const StackEntry& e : s.entries) {
    if (e.value == value && e.probable_return == probable_return) return true;
  }
  return false;
}

uint16_t u16_at(std::span<const uint8_t> b, size_t off) { return le::u16(b, off); }

}  // namespace

TEST_CASE("real dumps: triage_x64.dmp (Windows 10 19041, AMD64, bug check 0x1000007E)", "[real]") {
  auto bytes = real_dump("triage_x64.dmp");
  if (bytes.empty()) return;
  REQUIRE(bytes.size() == 0x160ab4);
  Analyzed a(std::move(bytes));
  CHECK(all_warnings(a) == "");  // the RequiredDumpSpace reservation and the double-saved stack are no problem

  // rizin's iH.
  const DumpHeader& h = a.dump->header();
  CHECK(h.dump_type == 4);
  CHECK(h.machine_image_type == 0x8664);
  CHECK(h.minor_version == 19041);
  CHECK(h.number_processors == 16);
  CHECK(h.directory_table_base == 0x1ad000);
  CHECK(h.ps_loaded_module_list == 0xfffff8047c62a390);
  CHECK(h.kd_debugger_data_block == 0xfffff8047c600b20);
  CHECK(h.bugcheck_code == 0x1000007e);
  CHECK(h.bugcheck_parameters ==
        std::array<uint64_t, 4>{0xffffffffc0000005, 0xfffff8048b58334c, 0xffff850429891ee8, 0xffff850429891720});
  CHECK(h.required_dump_space == 0x197915);  // a reservation: larger than the file

  const TriageDump* t = a.dump->triage();
  REQUIRE(t != nullptr);
  CHECK(t->valid);
  const TriageHeader& th = t->header;
  CHECK(th.size_of_dump == 0x13a28c);
  CHECK(th.valid_offset == 0x13a288);
  CHECK(th.mm_offset == 0x2080);
  CHECK(th.unloaded_drivers_offset == 0x20d0);
  CHECK(th.prcb_offset == 0x21b8);
  CHECK(th.process_offset == 0xd0b8);
  CHECK(th.thread_offset == 0xdaf8);
  CHECK(th.call_stack_offset == 0xe390);
  CHECK(th.size_of_call_stack == 0x2118);
  CHECK(th.driver_list_offset == 0x10828);
  CHECK(th.driver_count == 151);
  CHECK(th.string_pool_offset == 0x15d18);
  CHECK(th.string_pool_size == 0x3720);
  CHECK(th.triage_options == 0xffffffff);
  CHECK(th.top_of_stack == 0xffff850429890ee8);  // the lowest saved address: rsp in KeBugCheckEx
  CHECK(th.debugger_data_offset == 0x104a8);
  CHECK(th.debugger_data_size == 0x380);
  CHECK(th.data_blocks_offset == 0x19438);
  CHECK(th.data_blocks_count == 0x727);
  // 0x90-byte driver entries fill the space up to the string pool exactly.
  CHECK(th.driver_list_offset + 151 * 0x90 == th.string_pool_offset);

  // The driver list: file names, full paths, and the sizes the PE headers say (hal.dll is a stub since 2004).
  REQUIRE(a.analysis.modules.modules.size() == 151);
  check_module(a, {"ntoskrnl.exe", "\\SystemRoot\\system32\\ntoskrnl.exe", 0xfffff8047ba00000, 0x1046000, 0xa5938c,
                   0xd8333e6});
  check_module(a, {"hal.dll", "\\SystemRoot\\system32\\hal.dll", 0xfffff80479440000, 0x6000, 0xce9f, 0x1a7be8e9});
  check_module(a, {"amdppm.sys", "\\SystemRoot\\System32\\drivers\\amdppm.sys", 0xfffff8048b580000, 0x3b000,
                   0x38e6b, 0xc9c03000});
  check_module(a, {"Wdf01000.sys", "\\SystemRoot\\system32\\drivers\\Wdf01000.sys", 0xfffff80479950000, 0xd1000,
                   0xd3980, 0xa9a9d36e});
  CHECK(a.analysis.modules.modules.front().name == "hal.dll");  // the lowest base
  // ntoskrnl's own PE header, saved in a data block, agrees with its driver entry.
  const auto pe = a.read(0xfffff8047ba00000, 0x400);
  REQUIRE(pe.size() == 0x400);
  const uint32_t nt_headers = le::u32(pe, 0x3c);
  CHECK(le::u32(pe, nt_headers + 0x8) == 0xd8333e6);            // FileHeader.TimeDateStamp
  CHECK(le::u32(pe, nt_headers + 0x18 + 0x38) == 0x1046000);    // OptionalHeader.SizeOfImage
  CHECK(le::u32(pe, nt_headers + 0x18 + 0x40) == 0xa5938c);     // OptionalHeader.CheckSum

  // The header's context is the faulting one, the same bytes as the CONTEXT at bug check parameter 4.
  CHECK(a.reg("rip") == 0xfffff8048b58334c);
  CHECK(a.reg("rsp") == 0xffff850429892120);
  CHECK(a.reg("rbp") == 0xfffff8048b58f598);
  CHECK(a.read(0xffff850429891720, 0x4d0) == std::vector<uint8_t>(h.raw.begin() + 0x348, h.raw.begin() + 0x818));
  // rizin's dr shows KPRCB.Context instead (KDBG OffsetPrcbContext into the PRCB copy): KeBugCheckEx's entry.
  auto kdbg = parse_kdbg(t->debugger_data, 8, h.kd_debugger_data_block);
  REQUIRE(kdbg.ok());
  CHECK(kdbg->size == 0x380);
  CHECK(kdbg->kern_base == 0xfffff8047ba00000);
  CHECK(kdbg->ps_loaded_module_list == h.ps_loaded_module_list);
  CHECK(kdbg->ps_active_process_head == h.ps_active_process_head);
  CHECK(kdbg->offset_prcb_current_thread == 8);
  auto mapped = read_kdbg(*a.vm, Gva(h.kd_debugger_data_block));  // the copy is mapped where the header says
  REQUIRE(mapped.ok());
  CHECK(mapped->kern_base == kdbg->kern_base);
  std::vector<uint8_t> prcb_context(8);
  REQUIRE(read_exact(a.dump->cache(), th.prcb_offset + kdbg->offset_prcb_context, prcb_context).ok());
  const uint64_t bugcheck_context = le::u64(prcb_context, 0);
  CHECK(a.read_pointer(bugcheck_context + 0xf8) == 0xfffff8047bdf5a80);  // rip: KeBugCheckEx
  CHECK(a.read_pointer(bugcheck_context + 0x98) == 0xffff850429890ee8);  // rsp: TopOfStack
  CHECK(a.read_pointer(bugcheck_context + 0x80) == 0x7e);                // rcx

  // The exception: the header's is the breakpoint at KeBugCheckEx; the crash's is parameter 3's.
  const auto header_exception = parse_exception(h);
  REQUIRE(header_exception.ok());
  CHECK(header_exception->code == kStatusBreakpoint);
  CHECK(header_exception->flags == 1);
  CHECK(header_exception->address == 0xfffff8047bdf5a80);
  REQUIRE(a.analysis.exception);
  CHECK(a.analysis.exception_source == "bug check 0x1000007E parameter 3 (exception record)");
  CHECK(a.analysis.exception->code == 0xc0000005);
  CHECK(a.analysis.exception->address == 0xfffff8048b58334c);
  CHECK(a.analysis.exception->parameters == std::vector<uint64_t>{1, 0xffffffffffffffff});

  // The culprit: amdppm!WriteIoMemRawEx+0x70 in rizin's dbt.
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "amdppm.sys");
  CHECK(c.address == 0xfffff8048b58334c);
  CHECK(c.offset == 0x334c);
  CHECK(c.reason == "bug check 0x1000007E parameter 2 (address where the exception occurred)");

  // The faulting context: parameter 4's CONTEXT, the same bytes as the header's (checked above).
  REQUIRE(a.analysis.faulting_context);
  CHECK(a.analysis.faulting_context->source == "bug check 0x1000007E parameter 4 (context record)");
  CHECK(a.analysis.faulting_context->address == 0xffff850429891720);
  CHECK(a.analysis.faulting_context->context.get("rip") == 0xfffff8048b58334c);

  // The saved stack: TopOfStack + SizeOfCallStack is the stack base; the scan runs from TopOfStack (KeBugCheckEx's
  // rsp) to it, and marks the faulting rsp. The first value above the faulting rsp is in amdppm.sys.
  CHECK(th.top_of_stack + th.size_of_call_stack == 0xffff850429893000);
  const StackScan& s = a.analysis.stack;
  CHECK(s.start == 0xffff850429890ee8);
  CHECK(s.bytes_read == 0x2118);
  CHECK(s.fault_stack_pointer == 0xffff850429892120);
  const auto above_fault = std::find_if(s.entries.begin(), s.entries.end(),
                                        [&](const StackEntry& e) { return e.stack_address >= s.fault_stack_pointer; });
  REQUIRE(above_fault != s.entries.end());
  CHECK(above_fault->module == "amdppm.sys");
  // rizin's dbt frames 9, 10, 13 (amdppm), 14 (Wdf01000) and 34 (PspSystemThreadStartup) have their calls saved.
  CHECK(has_entry(s, 0xfffff8048b58313f, true));
  CHECK(has_entry(s, 0xfffff8048b583234, true));
  CHECK(has_entry(s, 0xfffff8048b59f852, true));
  CHECK(has_entry(s, 0xfffff804799cc027, true));
  CHECK(has_entry(s, 0xfffff8047bd17e25, true));
  // Frames 11 and 12 are there too, but their code was not saved: no call can be seen before them.
  CHECK(has_entry(s, 0xfffff8048b5a0e8f, false));
  CHECK(has_entry(s, 0xfffff8048b5a83f6, false));

  REQUIRE(t->unloaded_drivers.size() == 4);
  CHECK(t->unloaded_drivers[0].name == "dam.sys");
  CHECK(t->unloaded_drivers[0].start == 0xfffff80487de0000);
  CHECK(t->unloaded_drivers[0].end == 0xfffff80487dfc000);
  CHECK(t->unloaded_drivers[2].name == "hwpolicy.sys");
  CHECK(t->unloaded_drivers[3].name == "mcupdate.dll");

  REQUIRE(t->data_blocks.size() == 1831);
  CHECK(t->data_blocks[0].va == Gva(0xfffff8047c62a7a0));
  CHECK(t->data_blocks[0].file_offset == FileOffset(0x206a8));
  CHECK(t->data_blocks[0].size == 0x9c);
  CHECK(t->data_blocks[0].file_offset.value == th.data_blocks_offset + 1831 * 16);

  // Secondary data from SizeOfDump to the end of the file: the file is whole.
  REQUIRE(t->secondary_data);
  CHECK(t->secondary_data->offset == 0x13a28c);
  CHECK(t->secondary_data->build_number == 0xf0004a61);
  CHECK(t->secondary_data->blobs.size() == 20);
  CHECK(t->secondary_data->end == 0x160ab4);
  const auto layout = file_layout(*a.dump);
  REQUIRE(!layout.empty());
  CHECK(layout.back() == FileRegion{"triage-secondary-data", "Secondary dump data (20 tagged blobs)", 0x13a28c,
                                    0x160ab4 - 0x13a28c});
}

TEST_CASE("real dumps: triage_arm64.dmp (Windows 11 22000, ARM64, bug check 0x1C8)", "[real]") {
  auto bytes = real_dump("triage_arm64.dmp");
  if (bytes.empty()) return;
  REQUIRE(bytes.size() == 0x128fac);
  Analyzed a(std::move(bytes));
  CHECK(all_warnings(a) == "");

  const DumpHeader& h = a.dump->header();
  CHECK(h.dump_type == 4);
  CHECK(h.machine_image_type == 0xaa64);
  CHECK(h.minor_version == 22000);
  CHECK(h.number_processors == 8);
  CHECK(h.directory_table_base == 0x946aa000);
  CHECK(h.bugcheck_code == 0x1c8);
  CHECK(h.bugcheck_parameters == std::array<uint64_t, 4>{0x1b58, 0xfffff803f3a20860, 0, 0});

  const TriageDump* t = a.dump->triage();
  REQUIRE(t != nullptr);
  CHECK(t->valid);
  const TriageHeader& th = t->header;
  CHECK(th.size_of_dump == 0xac46c);
  CHECK(th.prcb_offset == 0x2340);
  CHECK(th.process_offset == 0xb9c0);
  CHECK(th.thread_offset == 0xc640);
  CHECK(th.call_stack_offset == 0xcf50);
  CHECK(th.size_of_call_stack == 0xb60);
  CHECK(th.driver_list_offset == 0xde30);
  CHECK(th.driver_count == 245);
  CHECK(th.string_pool_offset == 0x16800);
  CHECK(th.string_pool_size == 0x6eb0);
  CHECK(th.top_of_stack == 0xffffe00e0e4bc4a0);
  CHECK(th.debugger_data_offset == 0xdab0);
  CHECK(th.data_blocks_count == 0x2a7);
  CHECK(th.driver_list_offset + 245 * 0x90 == th.string_pool_offset);

  REQUIRE(a.analysis.modules.modules.size() == 245);
  check_module(a, {"ntoskrnl.exe", "\\SystemRoot\\system32\\ntoskrnl.exe", 0xfffff803f2e00000, 0x103e000, 0xa892fc,
                   0xdf291b09});
  check_module(a, {"hal.dll", "\\SystemRoot\\system32\\hal.dll", 0xfffff803f0110000, 0x5000, 0xe231, 0x4f8e85a9});
  check_module(a, {"qcwlan7180.sys",
                   "\\SystemRoot\\System32\\DriverStore\\FileRepository\\qcwlan7180.inf_arm64_bf47bfc25df1ccb3\\"
                   "qcwlan7180.sys",
                   0xfffff803ef400000, 0x2de000, 0x287694, 0x605c7f92});

  // rizin's dr (here the header's context and KPRCB.Context agree).
  CHECK(a.reg("pc") == 0xfffff803f32de014);
  CHECK(a.reg("sp") == 0xffffe00e0e4bc4a0);
  CHECK(a.reg("fp") == 0xffffe00e0e4bc4a0);
  CHECK(a.reg("lr") == 0);
  CHECK(a.reg("x25") == 0x1b58);
  CHECK(a.reg("x26") == 0xfffff803f3a20860);
  CHECK(a.reg("cpsr") == 0x80000144);

  // No exception behind this bug check: the header's breakpoint at KeBugCheck2+0x1c4 is what there is.
  REQUIRE(a.analysis.exception);
  CHECK(a.analysis.exception_source == "header");
  CHECK(a.analysis.exception->code == kStatusBreakpoint);
  CHECK(a.analysis.exception->address == 0xfffff803f32de014);

  // Someone held the power button: the kernel is named, with why, and no driver is blamed.
  const Culprit& c = a.analysis.culprit;
  REQUIRE(c.module);
  CHECK(c.module->name == "ntoskrnl.exe");
  CHECK(c.offset == 0x4de014);
  CHECK(c.reason == "bug check 0x1C8 is a crash started on purpose, not a driver's fault; the exception address is "
                    "in ntoskrnl.exe");

  // The whole saved stack from sp; rizin's dbt frames 1-4 are the lr slots of the fp chain.
  const StackScan& s = a.analysis.stack;
  CHECK(s.start == 0xffffe00e0e4bc4a0);
  CHECK(s.bytes_read == 0xb60);
  for (uint64_t ret : {0xfffff803f33442a0ull, 0xfffff803f309ff1cull, 0xfffff803f3173340ull, 0xfffff803f3007de4ull}) {
    INFO(hex(ret));
    CHECK(has_entry(s, ret, true));
  }

  REQUIRE(t->unloaded_drivers.size() == 11);
  CHECK(t->unloaded_drivers[0].name == "MSKSSRV.sys");
  CHECK(t->unloaded_drivers[0].start == 0xfffff803fa160000);
  CHECK(t->unloaded_drivers[0].end == 0xfffff803fa171000);
  CHECK(t->unloaded_drivers[4].name == "dump_storpor");  // the kernel keeps 12 UTF-16 units
  CHECK(t->unloaded_drivers[10].name == "WdBoot.sys");

  REQUIRE(t->data_blocks.size() == 679);
  CHECK(t->data_blocks[0].va == Gva(0xfffff803f3a20860));  // bug check parameter 2's block
  CHECK(t->data_blocks[0].size == 0xa0);

  auto kdbg = parse_kdbg(t->debugger_data, 8, h.kd_debugger_data_block);
  REQUIRE(kdbg.ok());
  CHECK(kdbg->kern_base == 0xfffff803f2e00000);
  CHECK(kdbg->ps_loaded_module_list == 0xfffff803f3a2aa20);
  CHECK(u16_at(t->debugger_data, 0x2b0) == 0x9680);  // SizePrcb: the PRCB copy fills PrcbOffset..ProcessOffset
  CHECK(th.prcb_offset + 0x9680 == th.process_offset);

  REQUIRE(t->secondary_data);
  CHECK(t->secondary_data->blobs.size() == 42);
  CHECK(t->secondary_data->end == 0x128fac);
}
