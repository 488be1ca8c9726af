// Processes and threads (processes.hpp): the crashing CPU, thread and process in every kind of dump, the process
// list of full and kernel dumps, the offset sources (kdbg, table, discovery, and a PDB-origin map) and where each
// offset came from, and the encoded KDBG.
#include <catch2/catch.hpp>

#include "catalog.hpp"
#include "kdmp/kdbg_decode.hpp"
#include "kdmp/kdbg_offsets.hpp"
#include "kdmp/offset_table.hpp"
#include "kdmp/pcr_scan.hpp"
#include "kdmp/summary.hpp"
#include "kernel_structures.hpp"
#include "test_system_helpers.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {

using F = KernelField;

const ProcessInfo* find_process(const ProcessReport& r, const std::string& name) {
  for (const ProcessInfo& p : r.processes) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> names(const ProcessReport& r) {
  std::vector<std::string> out;
  for (const ProcessInfo& p : r.processes) out.push_back(p.name);
  return out;
}

std::vector<std::string> codes(const std::vector<Warning>& warnings) {
  std::vector<std::string> out;
  for (const Warning& w : warnings) out.push_back(w.code);
  return out;
}

const std::vector<std::string> kDefaultNames = {"System",  "Registry",     "smss.exe", "csrss.exe",
                                                "app.exe", "explorer.exe", "setup.exe"};

// The crashing thread and process every default system has (system_writer.cpp).
void check_crashing(const ProcessReport& r, uint64_t process, uint64_t thread, uint32_t cpu) {
  REQUIRE(r.crashing);
  const CrashingProcess& c = *r.crashing;
  CHECK(c.process_name == "app.exe");
  CHECK(c.pid == 0x1a2c);
  CHECK(c.process == process);
  CHECK(c.thread == thread);
  CHECK(c.tid == 0x2f14);
  CHECK(c.cpu == cpu);
  CHECK(c.irql == 2);
}

void check_default_list(const ProcessReport& r, bool is64) {
  CHECK(names(r) == kDefaultNames);
  const ProcessInfo* system = find_process(r, "System");
  REQUIRE(system);
  CHECK(system->pid == 4);
  CHECK(system->parent_pid == 0);
  CHECK(system->threads.size() == 3);
  const ProcessInfo* app = find_process(r, "app.exe");
  REQUIRE(app);
  CHECK(app->pid == 0x1a2c);
  CHECK(app->parent_pid == 0x1f40);
  REQUIRE(app->threads.size() == 3);
  CHECK(app->threads[1].tid == 0x2f14);
  CHECK(app->threads[1].state == 2);  // running
  CHECK(app->threads[0].tid == 0x2f10);
  CHECK(app->threads[0].state == 5);  // waiting
  const ProcessInfo* csrss = find_process(r, "csrss.exe");
  REQUIRE(csrss);
  CHECK(csrss->pid == 0x248);
  CHECK(csrss->threads.size() == 2);
  CHECK(csrss->threads[1].tid == 0x250);
  CHECK(csrss->peb == (is64 ? 0x000000e4c7a10000 : 0x7ffd8000));
  CHECK(r.warnings.empty());
}

}  // namespace

TEST_CASE("Encoded KDBG words: the algebra and the solver", "[processes][kdbg]") {
  const KdbgEncoding e{23, 0x9e3779b97f4a7c15};
  for (uint64_t p : {uint64_t{0}, uint64_t{0xfffff80312a2a2b0}, uint64_t{0x0000036847424b44}}) {
    CHECK(decode_kdbg_word(encode_kdbg_word(p, e), e) == p);
  }
  // Windows' own form, KiWaitAlways ^ bswap(B ^ rol(C ^ N, N & 63)), is the same as one rotation and one key.
  const uint64_t wait_never = 0x1234567890abcd17, wait_always = 0x0fedcba987654321, block = 0xfffff80312a00ba0;
  auto rol = [](uint64_t v, unsigned r) { return r ? (v << r) | (v >> (64 - r)) : v; };
  auto bswap = [](uint64_t v) {
    uint64_t o = 0;
    for (int i = 0; i < 8; ++i) o = (o << 8) | ((v >> (8 * i)) & 0xff);
    return o;
  };
  const unsigned n = wait_never & 63;
  const KdbgEncoding windows{n, wait_always ^ bswap(block ^ rol(wait_never, n))};
  const uint64_t stored = 0x1122334455667788;
  CHECK(decode_kdbg_word(stored, windows) == (wait_always ^ bswap(block ^ rol(stored ^ wait_never, n))));

  KdbgSpec spec;
  spec.kern_base = 0xfffff80312800000;
  spec.ps_loaded_module_list = 0xfffff80312a2a2b0;
  spec.ps_active_process_head = 0xfffff80312a1f5a0;
  spec.ki_processor_block = 0xfffff80312a31e40;
  spec.offset_prcb_current_thread = 8;
  std::vector<uint8_t> block_bytes = kdbg_bytes(spec, 8);
  const std::vector<uint8_t> plain = block_bytes;
  for (size_t off = 0; off + 8 <= block_bytes.size(); off += 8) {
    le::put64(block_bytes, off, encode_kdbg_word(le::u64(block_bytes, off), e));
  }
  KdbgPlaintext known{spec.ps_loaded_module_list, spec.ps_active_process_head, spec.kern_base};
  auto solved = solve_kdbg_encoding(block_bytes, known);
  REQUIRE(solved);
  CHECK(solved->rotation == 23);
  CHECK(solved->key == 0x9e3779b97f4a7c15);
  decode_kdbg(block_bytes, *solved);
  CHECK(block_bytes == plain);

  // Wrong plaintext: nothing fits, nothing is guessed.
  std::vector<uint8_t> encoded = plain;
  for (size_t off = 0; off + 8 <= encoded.size(); off += 8) {
    le::put64(encoded, off, encode_kdbg_word(le::u64(encoded, off), e));
  }
  CHECK_FALSE(solve_kdbg_encoding(encoded, {spec.ps_loaded_module_list, 0xfffff80312a1f5a8, 0}));
  CHECK_FALSE(solve_kdbg_encoding(encoded, {spec.ps_loaded_module_list, spec.ps_active_process_head,
                                            spec.kern_base + 0x1000}));
  CHECK_FALSE(solve_kdbg_encoding(std::span<const uint8_t>(encoded).first(0x50), known));  // too short
}

TEST_CASE("Offset sources: the first that knows a field wins, and says so", "[processes][offsets]") {
  OffsetMap pdb(OffsetOrigin::Pdb, "pdb: ntkrnlmp.pdb");
  pdb.set(F::ProcessUniqueProcessId, 0x1234);
  KdbgSpec kspec;
  kspec.offset_eprocess_peb = 0x550;
  kspec.offset_kthread_teb = 0xf0;
  kspec.offset_prcb_current_thread = 8;
  auto kdbg = parse_kdbg(kdbg_bytes(kspec, 8), 8, 0xfffff80312a00ba0);
  REQUIRE(kdbg);
  const KdbgOffsets from_kdbg(*kdbg);
  const TableOffsets table(0x8664, 19041);
  OffsetMap discovered(OffsetOrigin::Discovery, "discovery");
  discovered.set(F::ProcessPeb, 0x999);
  discovered.set(F::ThreadState, 0x999);
  const OffsetSource* sources[] = {&pdb, &from_kdbg, &table, &discovered};
  const KernelOffsets o = resolve_offsets(sources);
  CHECK(o.get(F::ProcessUniqueProcessId) == 0x1234);  // pdb over the table's 0x440
  CHECK(o.origin(F::ProcessUniqueProcessId) == OffsetOrigin::Pdb);
  CHECK(o.get(F::ProcessPeb) == 0x550);  // kdbg over discovery
  CHECK(o.origin(F::ProcessPeb) == OffsetOrigin::Kdbg);
  CHECK(o.get(F::ProcessImageFileName) == 0x5a8);
  CHECK(o.origin(F::ProcessImageFileName) == OffsetOrigin::Table);
  CHECK(o.get(F::ThreadState) == 0x184);  // the table over discovery
  CHECK(o.origin(F::ThreadState) == OffsetOrigin::Table);
  CHECK(o.has(F::ProcessUserDirectoryTableBase));  // the 19041 row has it
  // Discovery answered nothing the others did not: it is not listed.
  CHECK(o.sources == std::vector<std::string>{"pdb: ntkrnlmp.pdb", "kdbg: KDDEBUGGER_DATA64 at 0xfffff80312a00ba0",
                                              "table: Windows 10 2004-22H2 x64"});
  // A build without a row: the table has the architecture's constants only, discovery answers the rest.
  const TableOffsets constants(0x8664, 20348);
  const OffsetSource* fewer[] = {&pdb, &from_kdbg, &constants, &discovered};
  const KernelOffsets o2 = resolve_offsets(fewer);
  CHECK(o2.get(F::ThreadState) == 0x999);
  CHECK(o2.origin(F::ThreadState) == OffsetOrigin::Discovery);
  CHECK(o2.origin(F::ProcessDirectoryTableBase) == OffsetOrigin::Table);
  CHECK_FALSE(o2.has(F::ProcessImageFileName));
  CHECK(o2.sources == std::vector<std::string>{"pdb: ntkrnlmp.pdb", "kdbg: KDDEBUGGER_DATA64 at 0xfffff80312a00ba0",
                                               "table: the architecture's KPCR/KPRCB/KPROCESS constants",
                                               "discovery"});
  CHECK(std::string(offset_origin_name(OffsetOrigin::Pdb)) == "pdb");
  CHECK(std::string(kernel_field_name(F::ThreadCid)) == "ETHREAD.Cid");
}

TEST_CASE("The offset table: rows by build, the architecture's constants otherwise", "[processes][offsets]") {
  const TableOffsets w10(0x8664, 19045);
  CHECK(w10.has_build_row());
  CHECK(w10.offset(F::ProcessActiveProcessLinks) == 0x448);
  CHECK(w10.offset(F::ThreadCid) == 0x478);
  CHECK(w10.offset(F::PcrIrql) == 0x50);
  const TableOffsets w11(0x8664, 26100);
  CHECK(w11.offset(F::ProcessUniqueProcessId) == 0x1d0);
  CHECK(w11.offset(F::ProcessImageFileName) == 0x338);
  CHECK_FALSE(w11.offset(F::ProcessSessionId));  // a PSP_SESSION_SPACE there: not in the table
  const TableOffsets w7x64(0x8664, 7601);
  CHECK(w7x64.offset(F::ProcessActiveProcessLinks) == 0x188);
  const TableOffsets w7x86(0x14c, 7601);
  CHECK(w7x86.offset(F::ProcessUniqueProcessId) == 0xb4);
  CHECK(w7x86.offset(F::ProcessImageFileName) == 0x16c);
  CHECK(w7x86.offset(F::PcrPrcb) == 0x120);
  const TableOffsets server(0x8664, 20348);
  CHECK_FALSE(server.has_build_row());
  CHECK_FALSE(server.offset(F::ProcessUniqueProcessId));
  CHECK(server.offset(F::ProcessDirectoryTableBase) == 0x28);
  // More x86 builds, and the one public ARM64 layout.
  const TableOffsets xp(0x14c, 2600);
  CHECK(xp.offset(F::ProcessActiveProcessLinks) == 0x88);
  CHECK(xp.offset(F::ThreadListEntry) == 0x22c);
  CHECK_FALSE(xp.offset(F::PrcbNumber));  // a UCHAR there, not the ULONG the walk reads
  const TableOffsets w81x86(0x14c, 9600);
  CHECK(w81x86.offset(F::ThreadCid) == 0x364);
  const TableOffsets w10x86(0x14c, 18363);  // 1909: 1903's row
  CHECK(w10x86.description() == "table: Windows 10 1903-1909 x86");
  CHECK(w10x86.offset(F::ProcessExitTime) == 0x348);
  const TableOffsets w11_23h2(0x8664, 22631);
  CHECK(w11_23h2.description() == "table: Windows 11 21H2-23H2 x64");
  CHECK(w11_23h2.offset(F::ThreadApcProcess) == 0xb8);
  const TableOffsets arm_insider(0xAA64, 19569);
  CHECK(arm_insider.offset(F::ProcessActiveProcessLinks) == 0x400);
  CHECK_FALSE(arm_insider.offset(F::ThreadCid));
  const TableOffsets arm32(0x1c4, 17763);
  CHECK_FALSE(arm32.has_build_row());
  CHECK_FALSE(arm32.offset(F::PcrPrcb));
  const TableOffsets arm(0xAA64, 22621);
  CHECK_FALSE(arm.has_build_row());
  CHECK(arm.offset(F::PcrPrcb) == 0x980);
  CHECK(arm.description() == "table: the architecture's KPCR/KPRCB/KPROCESS constants");
}

TEST_CASE("sample.dmp (x64 19041): crashing process and thread, every process, offsets from the table and KDBG",
          "[processes][system]") {
  Analyzed a(sample());
  const ProcessReport& r = a.analysis.processes;
  check_crashing(r, 0xffffc50a20008000, 0xffffc50a1b2c3080, 2);
  CHECK(r.crashing->prcb == 0xffffa001e7c10180);
  CHECK(r.crashing->irql_source == "bug check parameter 2");
  CHECK(r.crashing->how == "KiProcessorBlock[2] (saved context)");
  check_default_list(r, true);

  const ProcessInfo* app = find_process(r, "app.exe");
  REQUIRE(app);
  CHECK(app->address == 0xffffc50a20008000);
  CHECK(app->image_path == "\\Device\\HarddiskVolume3\\Program Files\\App\\app.exe");
  CHECK(app->session_id == 1);
  CHECK(app->peb == 0x000000a3c5f4d000);
  CHECK(app->directory_table_base == 0x100000);  // the kernel's root: its user pages are mapped there
  CHECK(app->wow64 == false);
  CHECK(app->active_threads == 3);
  CHECK(app->create_time == 0x01da6b80a7a1b000 + 3600ull * 10'000'000);
  CHECK_FALSE(app->exit_time);
  CHECK(app->threads[1].address == 0xffffc50a1b2c3080);
  CHECK(app->threads[1].teb == 0x000000a3c5f4e000);
  CHECK(app->threads[1].start_address == 0x00007ffd5ea0b650);
  CHECK(app->threads[1].win32_start_address == 0x00007ff6b2a31e30);
  const ProcessInfo* smss = find_process(r, "smss.exe");
  REQUIRE(smss);
  CHECK(smss->user_directory_table_base == 0x1ac000 + 0x100000);
  CHECK_FALSE(smss->session_id);
  const ProcessInfo* setup = find_process(r, "setup.exe");
  REQUIRE(setup);
  CHECK(setup->exit_time == 0x01da6b80a7a1b000 + 1260ull * 10'000'000);
  CHECK(setup->wow64 == true);
  CHECK(setup->threads.empty());
  const ProcessInfo* system = find_process(r, "System");
  REQUIRE(system);
  CHECK(system->threads[0].start_address == 0xfffff80312800000 + 0x3c1a40);
  CHECK(system->threads[0].teb == 0);  // a system thread

  CHECK(r.offsets.origin(F::ProcessActiveProcessLinks) == OffsetOrigin::Table);
  CHECK(r.offsets.origin(F::ProcessPeb) == OffsetOrigin::Kdbg);
  CHECK(r.offsets.origin(F::ThreadApcProcess) == OffsetOrigin::Kdbg);
  CHECK(r.offsets.origin(F::ThreadCid) == OffsetOrigin::Table);
  CHECK(r.offsets.sources.size() == 2);

  const std::string json = summary_json(*a.dump);
  CHECK(json.find("\"crashingProcess\":{\"name\":\"app.exe\",\"pid\":6700,\"address\":\"0xffffc50a20008000\"}") !=
        std::string::npos);
  CHECK(json.find("\"crashingThread\":{\"tid\":12052,\"address\":\"0xffffc50a1b2c3080\",\"cpu\":2,\"irql\":2,") !=
        std::string::npos);
  CHECK(json.find("{\"field\":\"EPROCESS.ActiveProcessLinks\",\"offset\":\"0x448\",\"source\":\"table\"}") !=
        std::string::npos);
  // Start addresses named by the symbolizer (here the kernel's own name and an offset: no PDB is loaded).
  CHECK(json.find("\"startAddress\":\"0xfffff80312bc1a40\",\"startSymbol\":\"nt+0x3c1a40\"") != std::string::npos);
}

TEST_CASE("system-x64-rdmp.dmp: KPCR.Irql when the bug check has no IRQL parameter", "[processes][system]") {
  Analyzed a(system_x64_rdmp());  // 0x1E: no IRQL parameter
  const ProcessReport& r = a.analysis.processes;
  REQUIRE(r.crashing);
  CHECK(r.crashing->irql == 2);
  CHECK(r.crashing->irql_source == "KPCR.Irql");
  CHECK(r.crashing->cpu == 2);
  CHECK(names(r) == kDefaultNames);
}

TEST_CASE("system-arm64.dmp: KDBG and discovery find what no table row has", "[processes][system]") {
  Analyzed a(system_arm64());
  const ProcessReport& r = a.analysis.processes;
  check_crashing(r, 0xffffc50a20008000, 0xffffc50a1b2c3080, 2);
  check_default_list(r, true);
  CHECK(r.offsets.get(F::ProcessActiveProcessLinks) == 0x440);
  CHECK(r.offsets.origin(F::ProcessActiveProcessLinks) == OffsetOrigin::Discovery);
  CHECK(r.offsets.get(F::ProcessUniqueProcessId) == 0x438);
  CHECK(r.offsets.get(F::ProcessImageFileName) == 0x5a0);
  CHECK(r.offsets.get(F::ThreadCid) == 0x470);
  CHECK(r.offsets.origin(F::ThreadCid) == OffsetOrigin::Discovery);
  CHECK(r.offsets.get(F::ThreadListEntry) == 0x4e0);
  CHECK(r.offsets.get(F::PcrPrcb) == 0x980);
  CHECK_FALSE(r.offsets.has(F::ThreadStartAddress));  // nobody knows it: not reported
  CHECK_FALSE(find_process(r, "app.exe")->threads[0].start_address);
  CHECK_FALSE(find_process(r, "app.exe")->create_time);
}

TEST_CASE("system-arm64.dmp without a KDBG: the KPCR from x18", "[processes][system]") {
  auto bytes = build_dump(system_arm64());
  le::put64(bytes, 0x80, 0);  // KdDebuggerDataBlock
  Analyzed a(bytes);
  const ProcessReport& r = a.analysis.processes;
  REQUIRE(r.crashing);
  CHECK(r.crashing->thread == 0xffffc50a1b2c3080);
  CHECK(r.crashing->prcb == 0xffffa001e7c10180);  // x18 + KPCR.Prcb
  CHECK(r.crashing->how.find("x18") != std::string::npos);
  CHECK(r.crashing->irql == 2);
  CHECK(r.crashing->cpu == 2);
  CHECK(names(r) == kDefaultNames);  // the header's PsActiveProcessHead and discovery
}

TEST_CASE("system-x86-pae.dmp and system-x86.dmp: 32-bit processes", "[processes][system]") {
  {
    Analyzed a(system_x86_pae());  // build 19041 x86: the table's row
    const ProcessReport& r = a.analysis.processes;
    check_crashing(r, 0x87008000, 0x86a3bd48, 1);
    check_default_list(r, false);
    CHECK(r.offsets.origin(F::ProcessActiveProcessLinks) == OffsetOrigin::Table);
    CHECK(r.offsets.get(F::ProcessActiveProcessLinks) == 0xe8);
    CHECK(r.offsets.get(F::ThreadCid) == 0x2ac);
    CHECK(r.offsets.origin(F::ThreadCid) == OffsetOrigin::Table);
    CHECK(find_process(r, "app.exe")->directory_table_base == a.dump->header().directory_table_base);
  }
  {
    Analyzed a(system_x86());  // Windows 7 SP1 x86: the table's row
    const ProcessReport& r = a.analysis.processes;
    check_crashing(r, 0x87008000, 0x86a3bd48, 1);
    check_default_list(r, false);
    CHECK(r.offsets.origin(F::ProcessActiveProcessLinks) == OffsetOrigin::Table);
    CHECK(r.offsets.origin(F::ProcessImageFileName) == OffsetOrigin::Table);
    // The row has the thread list pair too (ThreadListHead and ThreadListEntry come from one source).
    CHECK(r.offsets.origin(F::ProcessThreadListHead) == OffsetOrigin::Table);
    CHECK(r.offsets.origin(F::ThreadListEntry) == OffsetOrigin::Table);
    CHECK(r.offsets.get(F::ThreadListEntry) == 0x268);
    CHECK(find_process(r, "csrss.exe")->session_id == 0);
    CHECK(find_process(r, "app.exe")->image_path == "\\Device\\HarddiskVolume3\\Program Files\\App\\app.exe");
  }
}

TEST_CASE("system-process-cycle.dmp: the walk stops at the cycle and keeps what it read", "[processes][system]") {
  Analyzed a(system_process_cycle());
  const ProcessReport& r = a.analysis.processes;
  CHECK(names(r) == std::vector<std::string>{"System", "Registry", "smss.exe", "csrss.exe", "app.exe",
                                             "explorer.exe"});
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].code == "process-list-cycle");
  CHECK(r.warnings[0].message ==
        "the process list entry at 0xffffc50a2000a448 links to 0xffffc50a20004448, an entry already visited (a "
        "cycle); stopped after 6 processes");
}

TEST_CASE("system-encoded-kdbg.dmp: the KDBG decoded without symbols, user modules and processes read",
          "[processes][system][kdbg]") {
  Analyzed a(system_encoded_kdbg());
  auto vm = a.dump->virtual_memory();
  REQUIRE(vm);
  CHECK_FALSE(read_kdbg(**vm, Gva(0xfffff80312a00ba0)));  // encoded: no tag
  auto k = read_dump_kdbg(**vm, a.dump->header());
  REQUIRE(k);
  CHECK(k->decoded);
  CHECK(k->rotation == 23);
  CHECK(k->key == 0x9e3779b97f4a7c15);
  CHECK(k->ki_processor_block == 0xfffff80312a31e40);
  CHECK(a.module("app.exe", ModuleKind::User) != nullptr);  // through KiProcessorBlock: the KDBG was usable
  CHECK(a.warning_codes().empty());
  check_crashing(a.analysis.processes, 0xffffc50a20008000, 0xffffc50a1b2c3080, 2);
  CHECK(names(a.analysis.processes) == kDefaultNames);
  CHECK(a.analysis.processes.offsets.sources[0] == "kdbg: KDDEBUGGER_DATA64 at 0xfffff80312a00ba0 (decoded)");
}

TEST_CASE("system-x64-discovery.dmp and system-table-contradicted.dmp: discovery", "[processes][system]") {
  {
    Analyzed a(system_x64_discovery());  // build 20348: no row
    const ProcessReport& r = a.analysis.processes;
    check_crashing(r, 0xffffc50a20008000, 0xffffc50a1b2c3080, 2);
    check_default_list(r, true);
    CHECK(r.offsets.get(F::ProcessActiveProcessLinks) == 0x458);
    CHECK(r.offsets.origin(F::ProcessActiveProcessLinks) == OffsetOrigin::Discovery);
    CHECK(r.offsets.get(F::ThreadCid) == 0x488);
  }
  {
    Analyzed a(system_table_contradicted());  // build 19041 whose EPROCESS is not the table's
    const ProcessReport& r = a.analysis.processes;
    check_crashing(r, 0xffffc50a20008000, 0xffffc50a1b2c3080, 2);
    CHECK(names(r) == kDefaultNames);
    CHECK(r.offsets.get(F::ProcessActiveProcessLinks) == 0x458);
    CHECK(r.offsets.get(F::ThreadCid) == 0x488);
    CHECK(r.offsets.origin(F::ThreadCid) == OffsetOrigin::Discovery);
    CHECK_FALSE(r.offsets.has(F::ProcessCreateTime));  // the row is not used at all
    CHECK(codes(r.warnings) == std::vector<std::string>{"offsets-contradicted", "offsets-contradicted"});
  }
}

TEST_CASE("triage64-process.dmp: the crashing process and thread from the triage copies", "[processes][triage]") {
  Analyzed a(triage64_process());
  const ProcessReport& r = a.analysis.processes;
  REQUIRE(r.crashing);
  CHECK(r.crashing->process_name == "app.exe");
  CHECK(r.crashing->pid == 0x1a2c);
  CHECK(r.crashing->tid == 0x2f14);
  CHECK(r.crashing->cpu == 3);
  CHECK(r.crashing->thread == 0xffffc0801234a080);
  CHECK(r.crashing->process == 0xffffc08012345040);
  CHECK(r.crashing->prcb == 0);  // the copy's address is not in the file
  CHECK_FALSE(r.has_process_list);
  CHECK(r.processes.empty());
  CHECK(r.warnings.empty());
}

TEST_CASE("Processes of dumps without a KDBG or a process list", "[processes]") {
  Analyzed a(full_two_runs());
  const ProcessReport& r = a.analysis.processes;
  CHECK_FALSE(r.crashing);
  CHECK(r.processes.empty());
  CHECK(codes(r.warnings) == std::vector<std::string>{"crashing-thread-unknown", "process-list-unreadable"});
}

TEST_CASE("The KPCR scan finds every x64 and x86 processor by its self-references", "[processes][pcr]") {
  {
    Analyzed a(system_x64_garbled_kdbg());
    auto scan = scan_for_pcrs(*a.dump, 4);
    REQUIRE(scan);
    std::vector<uint64_t> pcrs;
    for (const FoundPcr& p : scan->pcrs) {
      pcrs.push_back(p.pcr);
      CHECK(p.prcb == p.pcr + 0x180);
    }
    std::sort(pcrs.begin(), pcrs.end());
    CHECK(pcrs == std::vector<uint64_t>{0xffffa001e7c00000, 0xffffa001e7c10000, 0xffffa001e7c20000,
                                        0xfffff80311a6c000});
    CHECK_FALSE(scan->budget_exhausted);
    // Bounded: with a budget of 4 pages it reads 4 and says it stopped.
    auto short_scan = scan_for_pcrs(*a.dump, 4, 4);
    REQUIRE(short_scan);
    CHECK(short_scan->pages_read == 4);
    CHECK(short_scan->budget_exhausted);
  }
  {
    Analyzed a(system_x86_garbled_kdbg());
    auto scan = scan_for_pcrs(*a.dump, 2);
    REQUIRE(scan);
    std::vector<uint64_t> pcrs;
    for (const FoundPcr& p : scan->pcrs) pcrs.push_back(p.pcr);
    std::sort(pcrs.begin(), pcrs.end());
    CHECK(pcrs == std::vector<uint64_t>{0x807c5000, 0x82941c00});  // KiInitialPcr is not page-aligned
  }
  Analyzed arm(system_arm64());
  CHECK_FALSE(scan_for_pcrs(*arm.dump, 4));  // ARM64 finds its KPCR in x18
  CHECK(prcb_processor_state_context(0x8664, 14393) == 0x120);
  CHECK(prcb_processor_state_context(0x8664, 19041) == 0x1f0);
  CHECK(prcb_processor_state_context(0x14c, 7601) == 0x18);
  CHECK(prcb_processor_state_context(0x14c, 6002) == 0x1c);
}

TEST_CASE("system-x64-garbled-kdbg.dmp and a header without a KDBG: the crashing CPU from the KPCR scan",
          "[processes][system][pcr]") {
  {
    Analyzed a(system_x64_garbled_kdbg());
    const ProcessReport& r = a.analysis.processes;
    check_crashing(r, 0xffffc50a20008000, 0xffffc50a1b2c3080, 2);
    CHECK(r.crashing->prcb == 0xffffa001e7c10180);
    CHECK(r.crashing->how.rfind("the KPCR scan: KPCR at 0xffffa001e7c10000, ", 0) == 0);
    CHECK(r.crashing->how.find(" found (saved context) (no usable KDBG: KDBG at 0xfffff80312a00ba0 is encoded or "
                               "invalid (OwnerTag ") != std::string::npos);
    check_default_list(r, true);
    // Without the KDBG the table gives the thread fields too (the 19041 row).
    CHECK(r.offsets.origin(F::ThreadApcProcess) == OffsetOrigin::Table);
    CHECK(r.offsets.get(F::ThreadApcProcess) == 0xb8);
    CHECK(r.offsets.origin(F::ProcessPeb) == OffsetOrigin::Table);
  }
  {
    auto bytes = build_dump(sample());
    le::put64(bytes, 0x80, 0);  // KdDebuggerDataBlock: the header names none
    Analyzed a(bytes);
    const ProcessReport& r = a.analysis.processes;
    check_crashing(r, 0xffffc50a20008000, 0xffffc50a1b2c3080, 2);
    CHECK(r.crashing->how.find("(no usable KDBG: the header names no KDBG)") != std::string::npos);
    CHECK(names(r) == kDefaultNames);
  }
}

TEST_CASE("system-x86-garbled-kdbg.dmp: a 32-bit KDBG that is not a KDBG falls back to the KPCR scan",
          "[processes][system][pcr][kdbg]") {
  // 32-bit kernels never encode the block (KdpDataBlockEncoded and its decoding exist on 64-bit kernels only), so
  // an x86 block without its tag is damaged, not encoded: nothing is decoded, the scan finds the processors.
  Analyzed a(system_x86_garbled_kdbg());
  auto vm = a.dump->virtual_memory();
  REQUIRE(vm);
  auto k = read_dump_kdbg(**vm, a.dump->header());
  REQUIRE_FALSE(k);
  CHECK(k.error().message.rfind("KDBG at 0x8293fc28 is encoded or invalid (OwnerTag ", 0) == 0);
  const ProcessReport& r = a.analysis.processes;
  check_crashing(r, 0x87008000, 0x86a3bd48, 1);
  CHECK(r.crashing->prcb == 0x807c5120);
  CHECK(r.crashing->how.rfind("the KPCR scan: KPCR at 0x807c5000, ", 0) == 0);
  check_default_list(r, false);
  CHECK(r.offsets.origin(F::PrcbNumber) == OffsetOrigin::Table);
}

namespace {

std::vector<std::string> module_names(const ProcessInfo& p, ModuleKind kind) {
  std::vector<std::string> out;
  for (const Module& m : p.modules) {
    if (m.kind == kind) out.push_back(m.name);
  }
  return out;
}

}  // namespace

TEST_CASE("Every process's user modules, read in its own address space", "[processes][system][modules]") {
  {
    Analyzed a(sample());
    const ProcessReport& r = a.analysis.processes;
    const ProcessInfo* app = find_process(r, "app.exe");
    REQUIRE(app);
    REQUIRE(app->modules.size() == 3);  // sorted by base
    CHECK(app->modules[0].name == "app.exe");
    CHECK(app->modules[0].base == 0x00007ff6b2a30000);
    CHECK(app->modules[0].size == 0x25000);
    CHECK(app->modules[0].path == "C:\\Program Files\\App\\app.exe");
    CHECK(app->modules[1].name == "KERNEL32.DLL");
    CHECK(app->modules[2].name == "ntdll.dll");
    CHECK(app->modules[2].base == 0x00007ffd5e9b0000);
    CHECK(app->modules[2].kind == ModuleKind::User);
    CHECK(app->module_warnings.empty());
    // No PEB: nothing to read, nothing to say.
    const ProcessInfo* system = find_process(r, "System");
    CHECK(system->modules.empty());
    CHECK(system->module_warnings.empty());
    // csrss.exe's DirectoryTableBase names page tables this fixture does not hold: why is said per process, not in
    // the report's warnings.
    const ProcessInfo* csrss = find_process(r, "csrss.exe");
    CHECK(csrss->modules.empty());
    REQUIRE(csrss->module_warnings.size() == 1);
    CHECK(csrss->module_warnings[0].code == "user-modules-unavailable");
    CHECK(csrss->module_warnings[0].message.rfind(
              "the PEB of csrss.exe (EPROCESS 0xffffc50a20006000) at 0xe4c7a10000 is unreadable: ", 0) == 0);
    CHECK(r.warnings.empty());
    const std::string json = summary_json(*a.dump);
    CHECK(json.find("\"modules\":[{\"name\":\"app.exe\",\"path\":\"C:\\\\Program Files\\\\App\\\\app.exe\",\"base\":"
                    "\"0x7ff6b2a30000\",\"size\":\"0x25000\",\"timestamp\":\"0x5a1b2c3d\",\"kind\":\"user\"}") !=
          std::string::npos);
  }
  {
    Analyzed a(system_wow64());  // EPROCESS.WoW64Process -> the 32-bit PEB
    const ProcessInfo* app = find_process(a.analysis.processes, "app.exe");
    REQUIRE(app);
    CHECK(app->wow64 == true);
    CHECK(module_names(*app, ModuleKind::User) ==
          std::vector<std::string>{"app32.exe", "wow64cpu.dll", "wow64.dll", "ntdll.dll"});
    CHECK(module_names(*app, ModuleKind::User32) ==
          std::vector<std::string>{"app32.exe", "KERNEL32.DLL", "ntdll.dll"});
    CHECK(app->module_warnings.empty());
  }
  {
    Analyzed a(system_x64_rdmp());  // a kernel dump: no user pages
    const ProcessInfo* app = find_process(a.analysis.processes, "app.exe");
    REQUIRE(app);
    CHECK(app->modules.empty());
    REQUIRE(app->module_warnings.size() == 1);
    CHECK(app->module_warnings[0].code == "user-modules-unavailable");
  }
  {
    Analyzed a(system_x86());  // 32-bit: the PEB's 32-bit loader list
    const ProcessInfo* app = find_process(a.analysis.processes, "app.exe");
    REQUIRE(app);
    CHECK(module_names(*app, ModuleKind::User) == std::vector<std::string>{"app.exe", "kernel32.dll", "ntdll.dll"});
  }
}

TEST_CASE("system-arm.dmp: processes, threads and modules of a 32-bit ARM system", "[processes][system][arm]") {
  Analyzed a(system_arm());
  const ProcessReport& r = a.analysis.processes;
  check_crashing(r, 0x87008000, 0x86a3bd48, 1);
  CHECK(r.crashing->prcb == 0x807c5580);
  CHECK(r.crashing->how == "KiProcessorBlock[1] (saved context)");
  check_default_list(r, false);
  // No table row for ARM32: the KDBG's own fields, then discovery.
  CHECK(r.offsets.origin(F::ProcessPeb) == OffsetOrigin::Kdbg);
  CHECK(r.offsets.origin(F::ProcessActiveProcessLinks) == OffsetOrigin::Discovery);
  CHECK(r.offsets.get(F::ProcessActiveProcessLinks) == 0xb8);
  CHECK(r.offsets.get(F::ThreadCid) == 0x22c);
  const ProcessInfo* app = find_process(r, "app.exe");
  CHECK(app->directory_table_base == (a.dump->header().directory_table_base));
  CHECK(app->threads[1].teb == 0x7ffde000);
  CHECK(module_names(*app, ModuleKind::User) == std::vector<std::string>{"app.exe", "kernel32.dll", "ntdll.dll"});
  CHECK(find_process(r, "csrss.exe")->peb == 0x7ffd8000);
}
