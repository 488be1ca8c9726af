#include "kdmp/processes.hpp"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "kdmp/kdbg_offsets.hpp"
#include "kdmp/le.hpp"
#include "kdmp/offset_discovery.hpp"
#include "kdmp/offset_table.hpp"
#include "kdmp/pcr_scan.hpp"
#include "kdmp/utf16.hpp"

namespace kdmp {

namespace {

using F = KernelField;

constexpr size_t kImageFileNameSize = 15;
constexpr uint16_t kMaxPathBytes = 2048;
constexpr uint32_t kMaxProcessorNumber = 4096;

void warn(std::vector<Warning>& w, std::string code, std::string message) {
  w.push_back(Warning{std::move(code), std::move(message)});
}

// Reads the fields of one structure: one read of the span the known fields cover, and field by field when that
// span is not readable whole (a structure that straddles a missing page still gives what it can).
class FieldReader {
 public:
  FieldReader(VirtualMemory& vm, const KernelOffsets& offsets, uint64_t base, std::initializer_list<F> fields)
      : vm_(vm), offsets_(offsets), base_(base) {
    uint32_t lo = UINT32_MAX, hi = 0;
    for (F f : fields) {
      if (auto off = offsets.get(f)) {
        lo = std::min(lo, *off);
        hi = std::max(hi, *off + 16);
      }
    }
    if (lo < hi && hi - lo <= 0x2000) {
      bytes_.resize(hi - lo);
      lo_ = lo;
      whole_ = vm.read_virtual_exact(Gva(base + lo), bytes_).ok();
    }
  }

  std::optional<uint64_t> pointer(F f, uint32_t plus = 0) { return read(f, vm_.pointer_size(), plus); }
  std::optional<uint64_t> u64(F f) { return read(f, 8); }
  std::optional<uint64_t> u32(F f) { return read(f, 4); }
  std::optional<uint64_t> u8(F f) { return read(f, 1); }
  // Bytes at a field (ImageFileName).
  bool bytes(F f, std::span<uint8_t> out, uint32_t plus = 0) {
    auto field = offsets_.get(f);
    if (!field) return false;
    const auto off = std::optional<uint32_t>(*field + plus);
    if (whole_ && *off >= lo_ && *off - lo_ + out.size() <= bytes_.size()) {
      std::copy_n(bytes_.begin() + (*off - lo_), out.size(), out.begin());
      return true;
    }
    return vm_.read_virtual_exact(Gva(base_ + *off), out).ok();
  }

 private:
  std::optional<uint64_t> read(F f, unsigned size, uint32_t plus = 0) {
    std::array<uint8_t, 8> b{};
    if (!bytes(f, std::span<uint8_t>(b.data(), size), plus)) return std::nullopt;
    return le::u64(b, 0);
  }

  VirtualMemory& vm_;
  const KernelOffsets& offsets_;
  uint64_t base_;
  uint32_t lo_ = 0;
  std::vector<uint8_t> bytes_;
  bool whole_ = false;
};

// ImageFileName as text: printable ASCII kept, anything else shown as '?'.
std::string image_file_name(std::span<const uint8_t> raw) {
  std::string s;
  for (uint8_t c : raw) {
    if (c == 0) break;
    s.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  }
  return s;
}

// OBJECT_NAME_INFORMATION {UNICODE_STRING Name}: the full image path.
std::optional<std::string> read_object_name(VirtualMemory& vm, uint64_t name_info) {
  const unsigned ps = vm.pointer_size();
  std::array<uint8_t, 16> us{};
  if (name_info == 0 || !vm.read_virtual_exact(Gva(name_info), std::span<uint8_t>(us.data(), 2 * ps))) {
    return std::nullopt;
  }
  const uint16_t length = le::u16(us, 0);
  const uint64_t buffer = ps == 4 ? uint64_t{le::u32(us, 4)} : le::u64(us, 8);
  if (length == 0 || length % 2 != 0 || length > kMaxPathBytes || buffer == 0) return std::nullopt;
  std::vector<uint8_t> bytes(length);
  if (!vm.read_virtual_exact(Gva(buffer), bytes)) return std::nullopt;
  return utf16le_to_utf8(bytes);
}

// Threads the whole walk may still read; the warning for running out is given once.
struct ThreadBudget {
  size_t left = kMaxThreadsTotal;
  bool warned = false;
};

void walk_threads(VirtualMemory& vm, const KernelOffsets& o, ProcessInfo& p, ThreadBudget& budget,
                  std::vector<Warning>& warnings) {
  const auto head_offset = o.get(F::ProcessThreadListHead);
  const auto entry_offset = o.get(F::ThreadListEntry);
  if (!head_offset || !entry_offset) return;
  const unsigned ps = vm.pointer_size();
  const uint64_t head = p.address + *head_offset;
  auto first = read_pointer(vm, head, ps);
  if (!first) return;  // the process's pages are partly missing; its threads are too
  const std::string what = "the thread list of process " + hex(p.address);
  std::unordered_set<uint64_t> seen;
  for (uint64_t entry = *first; entry != head;) {
    if (entry == 0 || entry % ps != 0 || entry < *entry_offset) {
      warn(warnings, "thread-list-bad-link", what + " links to " + hex(entry) + "; stopped there");
      break;
    }
    if (!seen.insert(entry).second) {
      warn(warnings, "thread-list-cycle", what + " comes back to " + hex(entry) + " (a cycle); stopped after " +
                                              std::to_string(p.threads.size()) + " threads");
      break;
    }
    if (budget.left == 0) {
      if (!budget.warned) {
        warn(warnings, "thread-list-too-long",
             "the processes hold more than " + std::to_string(kMaxThreadsTotal) + " threads; threads from " + what +
                 " on are not listed");
      }
      budget.warned = true;
      break;
    }
    if (p.threads.size() >= kMaxThreadsPerProcess) {
      warn(warnings, "thread-list-too-long",
           what + " has more than " + std::to_string(kMaxThreadsPerProcess) + " threads; stopped");
      break;
    }
    --budget.left;
    ThreadInfo t;
    t.address = entry - *entry_offset;
    // One read covers the thread's fields and its list links (16 bytes past the last field: Cid.UniqueThread too).
    FieldReader r(vm, o, t.address,
                  {F::ThreadState, F::ThreadTeb, F::ThreadCid, F::ThreadStartAddress, F::ThreadWin32StartAddress,
                   F::ThreadListEntry});
    const auto next = r.pointer(F::ThreadListEntry);
    if (!next) {
      warn(warnings, "thread-list-bad-link", what + " has an unreadable entry at " + hex(entry) + "; stopped there");
      break;
    }
    t.tid = r.pointer(F::ThreadCid, ps);
    if (auto v = r.u8(F::ThreadState)) t.state = static_cast<uint32_t>(*v);
    t.teb = r.pointer(F::ThreadTeb);
    t.start_address = r.pointer(F::ThreadStartAddress);
    t.win32_start_address = r.pointer(F::ThreadWin32StartAddress);
    p.threads.push_back(t);
    entry = *next;
  }
}

ProcessInfo read_process(VirtualMemory& vm, const KernelOffsets& o, uint64_t eprocess) {
  const unsigned ps = vm.pointer_size();
  ProcessInfo p;
  p.address = eprocess;
  FieldReader r(vm, o, eprocess,
                {F::ProcessDirectoryTableBase, F::ProcessUserDirectoryTableBase, F::ProcessUniqueProcessId,
                 F::ProcessCreateTime, F::ProcessExitTime, F::ProcessInheritedFromUniqueProcessId, F::ProcessPeb,
                 F::ProcessSessionId, F::ProcessWow64Process, F::ProcessImageFileName, F::ProcessImagePath,
                 F::ProcessActiveThreads});
  p.pid = r.pointer(F::ProcessUniqueProcessId);
  p.parent_pid = r.pointer(F::ProcessInheritedFromUniqueProcessId);
  std::array<uint8_t, kImageFileNameSize> name{};
  if (r.bytes(F::ProcessImageFileName, name)) p.name = image_file_name(name);
  if (auto v = r.u64(F::ProcessCreateTime); v && *v != 0) p.create_time = v;
  if (auto v = r.u64(F::ProcessExitTime); v && *v != 0) p.exit_time = v;
  p.directory_table_base = r.pointer(F::ProcessDirectoryTableBase);
  if (ps == 8) {
    if (auto v = r.u64(F::ProcessUserDirectoryTableBase); v && *v != 0) p.user_directory_table_base = v;
    if (auto v = r.pointer(F::ProcessWow64Process)) {
      p.wow64 = *v != 0;
      p.wow64_process = *v;
    }
  }
  p.peb = r.pointer(F::ProcessPeb);
  if (auto session = r.pointer(F::ProcessSessionId); session && *session != 0) {
    std::array<uint8_t, 4> b{};
    if (vm.read_virtual_exact(Gva(*session + kSessionIdInSessionSpace), b)) p.session_id = le::u32(b, 0);
  }
  if (auto v = r.u32(F::ProcessActiveThreads)) p.active_threads = static_cast<uint32_t>(*v);
  if (auto info = r.pointer(F::ProcessImagePath)) {
    if (auto path = read_object_name(vm, *info)) p.image_path = *path;
  }
  return p;
}

// The IRQL the bug check itself reports (IRQL_NOT_LESS_OR_EQUAL, DRIVER_IRQL_NOT_LESS_OR_EQUAL: parameter 2).
std::optional<uint8_t> bugcheck_irql(const DumpHeader& h) {
  if ((h.bugcheck_code == 0xa || h.bugcheck_code == 0xd1) && h.bugcheck_parameters[1] <= 31) {
    return static_cast<uint8_t>(h.bugcheck_parameters[1]);
  }
  return std::nullopt;
}

uint64_t kernel_dtb(const DumpHeader& h) {
  return h.machine_image_type == 0x8664 ? h.directory_table_base & ~uint64_t{0xfff} : h.directory_table_base;
}

// The ARM64 KPCR is in x18 of a kernel-mode CONTEXT.
std::optional<uint64_t> arm64_pcr(const Context* context) {
  if (context == nullptr || context->machine != 0xAA64) return std::nullopt;
  for (const Register& r : context->registers) {
    if (r.name == "x18" && r.value != 0) return r.value;
  }
  return std::nullopt;
}

// What the KPCR scan found (pcr_scan.hpp), into `c`; `why` says why it found nothing.
struct ScanOutcome {
  bool found = false;
  std::string why;
  explicit operator bool() const { return found; }
};
ScanOutcome crashing_from_pcr_scan(Dump& dump, VirtualMemory& vm, const Context* context, const KernelOffsets& known,
                                   CrashingProcess& c, std::vector<Warning>& warnings) {
  const DumpHeader& h = dump.header();
  if (dump.triage() != nullptr || (h.machine_image_type != 0x8664 && h.machine_image_type != 0x14c)) return {};
  auto scan = scan_for_pcrs(dump, std::clamp<uint32_t>(h.number_processors, 1, kMaxProcessorNumber));
  if (!scan) return {false, "; the KPCR scan: " + scan.error().message};
  if (scan->pcrs.empty()) {
    return {false, "; the KPCR scan read " + std::to_string(scan->pages_read) + " pages and found no KPCR" +
                       (scan->budget_exhausted ? " (it stops there)" : "")};
  }
  Context none;
  none.machine = h.machine_image_type;
  auto match = match_crashing_pcr(vm, *scan, h.machine_image_type, h.minor_version, context ? *context : none);
  if (!match) return {false, "; " + match.error().message};
  const FoundPcr& pcr = scan->pcrs[match->index];
  c.prcb = pcr.prcb;
  auto thread = read_pointer(vm, pcr.prcb + known.get(F::PrcbCurrentThread).value_or(vm.pointer_size()),
                             vm.pointer_size());
  if (!thread) return {false, "; KPRCB.CurrentThread at " + hex(pcr.prcb) + " is unreadable"};
  c.thread = *thread;
  c.how = "the KPCR scan: KPCR at " + hex(pcr.pcr) + ", " + std::to_string(scan->pcrs.size()) + " of " +
          std::to_string(h.number_processors) + " found (" + match->how + ")";
  if (!match->matched) warn(warnings, "crashing-processor-assumed", match->how);
  return {true, ""};
}

}  // namespace

const char* thread_state_name(uint32_t state) {
  static const char* const kNames[] = {"initialized", "ready",      "running",       "standby",
                                       "terminated",  "waiting",    "transition",    "deferred ready",
                                       "gate wait",   "waiting for process in swap"};
  return state < std::size(kNames) ? kNames[state] : "";
}

void walk_processes(VirtualMemory& vm, uint64_t head, const KernelOffsets& o, ProcessReport& out) {
  out.has_process_list = true;
  const auto links = o.get(F::ProcessActiveProcessLinks);
  if (!links) {
    warn(out.warnings, "process-offsets-unknown",
         "no source knows EPROCESS.ActiveProcessLinks for this build: the process list is not walked");
    return;
  }
  const unsigned ps = vm.pointer_size();
  auto first = read_pointer(vm, head, ps);
  if (!first) {
    warn(out.warnings, "process-list-unreadable",
         "the process list head at " + hex(head) + " is unreadable: " + first.error().message);
    return;
  }
  std::unordered_set<uint64_t> seen;
  ThreadBudget thread_budget;
  uint64_t previous = head;
  for (uint64_t entry = *first; entry != head;) {
    const std::string link = "the process list entry at " + hex(previous) + " links to " + hex(entry);
    if (entry == 0 || entry % ps != 0 || entry < *links) {
      warn(out.warnings, "process-list-bad-link", link + ", which is not a valid entry address; stopped there");
      break;
    }
    if (!seen.insert(entry).second) {
      warn(out.warnings, "process-list-cycle", link + ", an entry already visited (a cycle); stopped after " +
                                                   std::to_string(out.processes.size()) + " processes");
      break;
    }
    if (out.processes.size() >= kMaxProcesses) {
      warn(out.warnings, "process-list-too-long",
           "the process list has more than " + std::to_string(kMaxProcesses) + " entries; stopped at " + hex(entry));
      break;
    }
    auto next = read_pointer(vm, entry, ps);  // cached: read_process reads the same page again
    if (!next) {
      warn(out.warnings, "process-entry-unreadable", link + ", which is unreadable: " + next.error().message);
      break;
    }
    ProcessInfo p = read_process(vm, o, entry - *links);
    walk_threads(vm, o, p, thread_budget, out.warnings);
    out.processes.push_back(std::move(p));
    previous = entry;
    entry = *next;
  }
}

void load_processes_modules(Dump& dump, ProcessReport& report) {
  size_t budget = kMaxProcessModulesTotal;
  for (ProcessInfo& p : report.processes) {
    if (budget == 0) {
      p.module_warnings.push_back({"module-list-too-long", "the processes hold more than " +
                                                               std::to_string(kMaxProcessModulesTotal) +
                                                               " user modules; this process's are not listed"});
      continue;
    }
    if (!p.peb || *p.peb == 0 || !p.directory_table_base) continue;  // System, Registry, a process being built
    auto vm = dump.virtual_memory(*p.directory_table_base);
    if (!vm) continue;
    const std::string owner = (p.name.empty() ? std::string("process") : p.name) + " (EPROCESS " + hex(p.address) + ")";
    uint64_t peb32 = 0;
    if (p.wow64_process != 0 && vm.value()->pointer_size() == 8) {
      // Windows 10's EWOW64PROCESS and Windows 7's WOW64_PROCESS both start with the 32-bit PEB's address.
      if (auto v = read_pointer(**vm, p.wow64_process, 8); v && *v != 0 && *v < 0x100000000) peb32 = *v;
    }
    ModuleList list;
    load_process_modules(**vm, *p.peb, peb32, owner, list);
    std::stable_sort(list.modules.begin(), list.modules.end(),
                     [](const Module& a, const Module& b) { return a.base < b.base; });
    if (list.modules.size() > budget) list.modules.resize(budget);
    budget -= list.modules.size();
    p.modules = std::move(list.modules);
    p.module_warnings = std::move(list.warnings);
  }
}

ProcessReport load_processes(Dump& dump, VirtualMemory& vm, const Context* context, const OffsetSource* pdb) {
  ProcessReport out;
  const DumpHeader& h = dump.header();
  const TriageDump* triage = dump.triage();
  const unsigned ps = vm.pointer_size();

  Result<Kdbg> kdbg = make_error(ErrorCode::Unsupported, "no KDBG");
  if (triage && !triage->debugger_data.empty()) {
    kdbg = parse_kdbg(triage->debugger_data, ps, h.kd_debugger_data_block);
  } else {
    kdbg = read_dump_kdbg(vm, h);
  }
  std::optional<KdbgOffsets> kdbg_offsets;
  if (kdbg) kdbg_offsets.emplace(*kdbg);
  const TableOffsets table(h.machine_image_type, h.minor_version);
  // Priority: the kernel's PDB, the KDBG's own fields, the table.
  const OffsetSource* sources[] = {pdb, kdbg_offsets ? &*kdbg_offsets : nullptr, &table};
  const KernelOffsets known = resolve_offsets(sources);

  // The crashing processor and its thread.
  CrashingProcess c;
  std::optional<uint32_t> processor_index;
  if (triage) {
    for (const TriageBlob& b : triage->blobs) {
      if (b.field == TriageField::ThreadOffset && b.va) c.thread = b.va->value;
      if (b.field == TriageField::ProcessOffset && b.va) c.process = b.va->value;
      if (b.field == TriageField::PrcbOffset) {
        if (auto number = known.get(F::PrcbNumber); number && (b.size == 0 || *number + 4 <= b.size)) {
          std::array<uint8_t, 4> n{};
          auto got = dump.read_file(b.offset.value + *number, n);
          if (got && *got == n.size() && le::u32(n, 0) < kMaxProcessorNumber) c.cpu = le::u32(n, 0);
        }
      }
    }
    c.how = "the triage dump's KPRCB, ETHREAD and EPROCESS copies";
    if (c.thread == 0) warn(out.warnings, "crashing-thread-unknown", "the triage dump's thread copy has no address");
  } else if (kdbg) {
    Context none;
    none.machine = h.machine_image_type;
    auto t = find_crashing_thread(vm, *kdbg, h.number_processors, context ? *context : none);
    if (t) {
      processor_index = t->processor;
      c.prcb = t->prcb;
      c.thread = t->thread;
      c.how = t->matched ? "KiProcessorBlock[" + std::to_string(t->processor) + "] (" + t->how + ")" : t->how;
    } else {
      warn(out.warnings, "crashing-thread-unknown", t.error().message);
    }
  } else if (auto pcr = arm64_pcr(context); pcr && known.has(F::PcrPrcb)) {
    c.prcb = *pcr + *known.get(F::PcrPrcb);
    if (auto thread = read_pointer(vm, c.prcb + known.get(F::PrcbCurrentThread).value_or(8), ps)) {
      c.thread = *thread;
      c.how = "the KPCR in x18 of the context (no usable KDBG: " + kdbg.error().message + ")";
    }
  } else if (auto scanned = crashing_from_pcr_scan(dump, vm, context, known, c, out.warnings)) {
    c.how += " (no usable KDBG: " + kdbg.error().message + ")";
  } else {
    warn(out.warnings, "crashing-thread-unknown",
         "the crashing thread is unknown: no usable KDBG (" + kdbg.error().message + ")" + scanned.why);
  }
  if (c.prcb != 0) {
    if (auto number = known.get(F::PrcbNumber)) {
      std::array<uint8_t, 4> n{};
      if (vm.read_virtual_exact(Gva(c.prcb + *number), n) && le::u32(n, 0) < kMaxProcessorNumber) {
        c.cpu = le::u32(n, 0);
      }
    }
    if (!c.cpu) c.cpu = processor_index;
    const auto in_pcr = known.get(F::PcrPrcb);
    const auto irql = known.get(F::PcrIrql);
    std::array<uint8_t, 1> b{};
    if (in_pcr && irql && c.prcb >= *in_pcr && vm.read_virtual_exact(Gva(c.prcb - *in_pcr + *irql), b) &&
        b[0] <= 31) {
      c.irql = b[0];
      c.irql_source = "KPCR.Irql";
    }
  }
  if (auto irql = bugcheck_irql(h)) {  // what the crash was about: WinDbg's CURRENT_IRQL
    c.irql = irql;
    c.irql_source = "bug check parameter 2";
  }
  if (c.thread != 0 && c.process == 0) {
    if (auto apc = known.get(F::ThreadApcProcess)) {
      if (auto p = read_pointer(vm, c.thread + *apc, ps)) c.process = *p;
    }
  }

  // Discovery fills what neither the KDBG nor the table knows, and checks the table against memory.
  uint64_t head = header_pointer_written(h.ps_active_process_head) ? h.ps_active_process_head : 0;
  if (head == 0 && kdbg) head = kdbg->ps_active_process_head;
  if (triage) head = 0;  // a triage dump keeps no process list
  DiscoveryInput in;
  in.process_head = head;
  in.kernel_dtb = kernel_dtb(h);
  in.crashing_thread = c.thread;
  in.crashing_process = c.process;
  const Discovered discovered = discover_offsets(vm, in, known, out.warnings);
  out.offsets = resolve_with_discovery(sources, discovered);
  if (discovered.replaces_process_triple && table.has_build_row()) {
    // Memory contradicts the table's row for this build: none of the row is trusted, only the architecture's
    // constants; discovery looks again for what the row gave (thread list, client ID).
    warn(out.warnings, "offsets-contradicted", "the offset " + table.description() + " is not used for this dump");
    const TableOffsets constants(h.machine_image_type, 0);
    const OffsetSource* fallback[] = {pdb, kdbg_offsets ? &*kdbg_offsets : nullptr, &constants};
    std::vector<Warning> again;  // what it would say was said above
    const Discovered rediscovered = discover_offsets(vm, in, resolve_offsets(fallback), again);
    out.offsets = resolve_with_discovery(fallback, rediscovered);
  }
  const KernelOffsets& o = out.offsets;

  if (c.thread != 0) {
    if (auto cid = o.get(F::ThreadCid)) {
      if (auto tid = read_pointer(vm, c.thread + *cid + ps, ps)) c.tid = *tid;
    }
  }
  if (c.process != 0) {
    ProcessInfo p = read_process(vm, o, c.process);
    c.pid = p.pid;
    c.process_name = p.name;
  }
  if (c.thread != 0 || c.prcb != 0 || c.cpu) out.crashing = c;

  if (head != 0) {
    walk_processes(vm, head, o, out);
    load_processes_modules(dump, out);
  } else if (!triage) {
    warn(out.warnings, "process-list-unreadable", "neither the header nor the KDBG names PsActiveProcessHead");
  }
  return out;
}

}  // namespace kdmp
