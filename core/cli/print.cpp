#include "print.hpp"

#include <cstdio>

#include "analyze_text.hpp"
#include "kdmp/analysis.hpp"
#include "kdmp/bugcheck.hpp"
#include "kdmp/context.hpp"
#include "kdmp/exception.hpp"
#include "kdmp/file_layout.hpp"
#include "kdmp/time.hpp"

namespace kdmp::cli {

namespace {
void field(const char* name, const std::string& value) { std::printf("  %-22s %s\n", name, value.c_str()); }
void field(const char* name, uint64_t value) { field(name, hex(value)); }
std::string ascii4(uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>(v >> (8 * i));
    s.push_back(c >= 0x20 && c < 0x7f ? c : '.');
  }
  return s;
}
}  // namespace

void print_headers(const Dump& dump) {
  const DumpHeader& h = dump.header();
  std::printf("%s {\n", h.is64 ? "DUMP_HEADER64" : "DUMP_HEADER32");
  field("Signature", ascii4(h.signature) + " (" + hex(h.signature) + ")");
  field("ValidDump", ascii4(h.valid_dump) + " (" + hex(h.valid_dump) + ")");
  field("MajorVersion", h.major_version);
  field("MinorVersion", std::to_string(h.minor_version));
  field("DirectoryTableBase", h.directory_table_base);
  field("PfnDataBase", h.pfn_database);
  field("PsLoadedModuleList", h.ps_loaded_module_list);
  field("PsActiveProcessHead", h.ps_active_process_head);
  field("MachineImageType", hex(h.machine_image_type) + " (" + machine_name(h.machine_image_type) + ")");
  field("NumberProcessors", std::to_string(h.number_processors));
  field("BugCheckCode", hex(h.bugcheck_code) + " (" + bugcheck_name(h.bugcheck_code) + ")");
  for (int i = 0; i < 4; ++i) {
    const std::string name = "BugCheckParameter" + std::to_string(i + 1);
    field(name.c_str(), h.bugcheck_parameters[i]);
  }
  if (!h.is64) field("PaeEnabled", h.pae_enabled ? "true" : "false");
  field("KdDebuggerDataBlock", h.kd_debugger_data_block);
  field("DumpType", hex(h.dump_type) + " (" + dump_type_name(h.dump_type) + ")");
  field("RequiredDumpSpace", h.required_dump_space);
  field("SystemTime", hex(h.system_time) + " (" + filetime_to_iso8601(h.system_time).value_or("invalid") + ")");
  field("Comment", "\"" + h.comment + "\"");
  field("SystemUpTime", hex(h.system_up_time) + " (" + format_uptime(h.system_up_time) + ")");
  field("MiniDumpFields", h.mini_dump_fields);
  field("SecondaryDataState", h.secondary_data_state);
  field("ProductType", h.product_type);
  field("SuiteMask", h.suite_mask);
  field("WriterStatus", h.writer_status);
  field("KdSecondaryVersion", h.kd_secondary_version);
  if (h.is64) {
    field("Attributes", h.attributes);
    field("BootId", h.boot_id);
  }
  std::printf("}\n");
  for (const Warning& w : dump.warnings()) std::printf("warning: %s: %s\n", w.code.c_str(), w.message.c_str());
}

int print_context(const Dump& dump) {
  auto ctx = parse_context(dump.header());
  if (!ctx.ok()) {
    std::fprintf(stderr, "kdmp-parser: %s\n", ctx.error().message.c_str());
    return 1;
  }
  // WinDbg's `r` layout: three registers a line, values padded to their width.
  int column = 0;
  for (const Register& r : ctx->registers) {
    char value[24];
    std::snprintf(value, sizeof value, "%0*llx", r.bits / 4, static_cast<unsigned long long>(r.value));
    std::printf("%s%6s=%s", column == 0 ? "" : " ", r.name.c_str(), value);
    if (++column == 3) {
      std::printf("\n");
      column = 0;
    }
  }
  if (column != 0) std::printf("\n");
  for (const VectorRegister& v : ctx->vectors) {
    std::printf("%6s=", v.name.c_str());
    for (int i = 15; i >= 0; --i) std::printf("%02x", v.bytes[static_cast<size_t>(i)]);
    std::printf("\n");
  }
  return 0;
}

int print_exception(const Dump& dump) {
  auto e = parse_exception(dump.header());
  if (!e.ok()) {
    std::fprintf(stderr, "kdmp-parser: %s\n", e.error().message.c_str());
    return 1;
  }
  const char* name = exception_code_name(e->code);
  std::printf("EXCEPTION_RECORD {\n");
  field("ExceptionCode", hex(e->code) + (name ? std::string(" (") + name + ")" : ""));
  field("ExceptionFlags", e->flags);
  field("ExceptionRecord", e->record);
  field("ExceptionAddress", e->address);
  field("NumberParameters", std::to_string(e->number_parameters));
  for (size_t i = 0; i < e->parameters.size(); ++i) {
    const std::string n = "ExceptionInformation[" + std::to_string(i) + "]";
    field(n.c_str(), e->parameters[i]);
  }
  std::printf("}\n");
  return 0;
}

// "fffff80312345000: 00 11 ... |................|": address, 16 bytes, ASCII.
void hexdump(uint64_t address, std::span<const uint8_t> data) {
  for (size_t row = 0; row < data.size(); row += 16) {
    std::printf("%016llx: ", static_cast<unsigned long long>(address + row));
    for (size_t i = 0; i < 16; ++i) {
      if (row + i < data.size()) {
        std::printf("%02x ", data[row + i]);
      } else {
        std::printf("   ");
      }
    }
    std::printf("|");
    for (size_t i = 0; i < 16 && row + i < data.size(); ++i) {
      const uint8_t c = data[row + i];
      std::putchar(c > 0x20 && c < 0x7f ? c : '.');
    }
    std::printf("|\n");
  }
}

// One module a line; then its symbols: the source (pdb, exports, none), the PDB's identity, the version.
int print_modules(Dump& dump, SymbolProvider* symbols) {
  AnalysisOptions options;
  options.symbols = symbols;
  const Analysis analysis = analyze(dump, options);
  for (size_t i = 0; i < analysis.modules.modules.size(); ++i) {
    const Module& m = analysis.modules.modules[i];
    std::printf("%016llx-%016llx: %s (%s)\n", static_cast<unsigned long long>(m.base),
                static_cast<unsigned long long>(m.base + m.size), m.path.empty() ? m.name.c_str() : m.path.c_str(),
                module_kind_name(m.kind));
    if (i >= analysis.symbols.images.size()) continue;
    const ModuleImage& mi = analysis.symbols.images[i];
    std::string line = std::string("    symbols: ") + symbol_source_name(mi.symbols);
    if (mi.image && mi.image->codeview) {
      const CodeViewPdb& cv = *mi.image->codeview;
      line += ", pdb " + cv.pdb_name + " " + cv.guid.text() + " age " + std::to_string(cv.age);
    }
    if (mi.image && mi.image->time_date_stamp_is_hash) line += ", timestamp is a hash (reproducible build)";
    if (mi.image && mi.image->version && !mi.image->version->file_version.empty()) {
      line += ", version " + mi.image->version->file_version;
    }
    if (!mi.header_present) line += mi.image_from_file ? ", image from file" : ", header not in the dump";
    std::printf("%s\n", line.c_str());
  }
  for (const Warning& w : analysis.symbols.warnings) {
    std::fprintf(stderr, "warning: %s: %s\n", w.code.c_str(), w.message.c_str());
  }
  for (const Warning& w : analysis.modules.warnings) {
    std::fprintf(stderr, "warning: %s: %s\n", w.code.c_str(), w.message.c_str());
  }
  return 0;
}

// "crashing: app.exe pid 6700 (EPROCESS ffffc50a20008000), thread 12052 (ETHREAD ...), cpu 2, irql 2", then one
// process a line (PID, parent, EPROCESS, DTB, threads, name, path), one line per thread and per user module, then
// where the offsets came from.
int print_processes(Dump& dump) {
  const Analysis analysis = analyze(dump);
  const ProcessReport& r = analysis.processes;
  auto number = [](const auto& v) { return v ? std::to_string(*v) : std::string("?"); };
  if (r.crashing) {
    const CrashingProcess& c = *r.crashing;
    std::printf("crashing: %s pid %s (EPROCESS %016llx), thread %s (ETHREAD %016llx), cpu %s, irql %s\n",
                c.process_name.empty() ? "?" : c.process_name.c_str(), number(c.pid).c_str(),
                static_cast<unsigned long long>(c.process), number(c.tid).c_str(),
                static_cast<unsigned long long>(c.thread), number(c.cpu).c_str(), number(c.irql).c_str());
  }
  for (const ProcessInfo& p : r.processes) {
    std::printf("%6s %6s %016llx dtb %016llx threads %3zu %-15s %s\n", number(p.pid).c_str(),
                number(p.parent_pid).c_str(), static_cast<unsigned long long>(p.address),
                static_cast<unsigned long long>(p.directory_table_base.value_or(0)), p.threads.size(), p.name.c_str(),
                p.image_path.c_str());
    for (const ThreadInfo& t : p.threads) {
      std::printf("         thread %6s %016llx %-10s start %016llx\n", number(t.tid).c_str(),
                  static_cast<unsigned long long>(t.address), t.state ? thread_state_name(*t.state) : "?",
                  static_cast<unsigned long long>(t.start_address.value_or(0)));
    }
    for (const Module& m : p.modules) {
      std::printf("         module %016llx %8llx %-6s %s\n", static_cast<unsigned long long>(m.base),
                  static_cast<unsigned long long>(m.size), module_kind_name(m.kind), m.path.c_str());
    }
  }
  for (size_t i = 0; i < kKernelFieldCount; ++i) {
    const auto f = static_cast<KernelField>(i);
    if (!r.offsets.has(f)) continue;
    std::printf("offset %-40s %#6x %s\n", kernel_field_name(f), *r.offsets.get(f),
                offset_origin_name(r.offsets.origin(f)));
  }
  for (const Warning& w : r.warnings) std::fprintf(stderr, "warning: %s: %s\n", w.code.c_str(), w.message.c_str());
  return 0;
}

// One region a line: "0000000000000088-00000000000000b8  run-list                 Run list (2 runs)", offsets
// of the file, the end exclusive.
int print_layout(const Dump& dump) {
  for (const FileRegion& r : file_layout(dump)) {
    std::printf("%016llx-%016llx  %-24s %s\n", static_cast<unsigned long long>(r.offset),
                static_cast<unsigned long long>(r.offset + r.size), r.kind.c_str(), r.name.c_str());
  }
  return 0;
}

// Reads as much as possible at va: up to the first unreadable address.
Result<size_t> read_virtual(VirtualMemory& vm, uint64_t va, std::span<uint8_t> out) {
  auto st = vm.read_virtual_exact(Gva(va), out);
  if (st.ok()) return out.size();
  const Error first = st.error();
  if (first.where <= va || first.where - va >= out.size()) return first;
  const size_t readable = static_cast<size_t>(first.where - va);
  auto again = vm.read_virtual_exact(Gva(va), out.first(readable));
  if (!again.ok()) return again.error();
  return readable;
}

int print_memory(Dump& dump, const Options& o) {
  std::vector<uint8_t> buffer(o.len);
  if (!o.mem_address) {
    // The first --len bytes of every physical page, as the reference does.
    int rc = 0;
    dump.for_each_physical_page([&](uint64_t pfn) {
      auto st = dump.read_physical_exact(Gpa(pfn << 12), buffer);
      if (!st.ok()) {
        std::fprintf(stderr, "kdmp-parser: %s\n", st.error().message.c_str());
        rc = 1;
        return true;
      }
      hexdump(pfn << 12, buffer);
      return true;
    });
    return rc;
  }
  const uint64_t address = *o.mem_address;
  Result<size_t> got = size_t{0};
  if (o.virt) {
    auto vm = dump.virtual_memory(o.dtb);
    if (!vm.ok()) {
      std::printf("There is no virtual memory available for %s: %s\n", hex(address).c_str(),
                  vm.error().message.c_str());
      return 1;
    }
    got = read_virtual(**vm, address, buffer);
  } else {
    got = dump.read_physical(Gpa(address), buffer);
  }
  if (!got.ok()) {
    std::printf("There is no %s memory available for %s: %s\n", o.virt ? "virtual" : "physical",
                hex(address).c_str(), got.error().message.c_str());
    return 1;
  }
  hexdump(address, std::span<const uint8_t>(buffer).first(*got));
  return 0;
}

int run_text_commands(Dump& dump, const Options& o, SymbolProvider* symbols) {
  int rc = 0;
  if (o.dump_headers) print_headers(dump);
  if (o.context_record) rc |= print_context(dump);
  if (o.exception_record) rc |= print_exception(dump);
  if (o.modules) rc |= print_modules(dump, symbols);
  if (o.processes) rc |= print_processes(dump);
  if (o.layout) rc |= print_layout(dump);
  if (o.mem) rc |= print_memory(dump, o);
  if (o.stack || o.analyze) {
    AnalysisOptions ao;
    ao.symbols = symbols;
    const Analysis analysis = analyze(dump, ao);
    if (o.stack) print_stack(analysis);
    if (o.analyze) print_analyze(dump, analysis);
  }
  return rc;
}

}  // namespace kdmp::cli
