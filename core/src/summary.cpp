#include "kdmp/summary.hpp"

#include "kdmp/bugcheck.hpp"
#include "kdmp/context.hpp"
#include "kdmp/exception.hpp"
#include "kdmp/json.hpp"
#include "kdmp/time.hpp"

namespace kdmp {

namespace {

constexpr const char* kToolName = "kdmpview";
constexpr const char* kToolVersion = "0.1.0";

std::string signature_text(const DumpHeader& h) {
  std::string s;
  for (uint32_t v : {h.signature, h.valid_dump}) {
    for (int i = 0; i < 4; ++i) {
      const char c = static_cast<char>((v >> (8 * i)) & 0xff);
      s.push_back(c >= 0x20 && c < 0x7f ? c : '.');
    }
  }
  return s;  // "PAGEDU64" or "PAGEDUMP"
}

void write_header(JsonWriter& j, const Dump& dump) {
  const DumpHeader& h = dump.header();
  j.key("header").begin_object();
  j.key("signature").string(signature_text(h));
  j.key("is64").boolean(h.is64);
  j.key("dumpType").unsigned_number(h.dump_type);
  j.key("dumpTypeName").string(dump_type_name(h.dump_type));
  j.key("machineImageType").hex(h.machine_image_type);
  j.key("machineName").string(machine_name(h.machine_image_type));
  j.key("numberProcessors").unsigned_number(h.number_processors);
  j.key("majorVersion").unsigned_number(h.major_version);
  j.key("minorVersion").unsigned_number(h.minor_version);
  j.key("directoryTableBase").hex(h.directory_table_base);
  j.key("pfnDatabase").hex(h.pfn_database);
  j.key("psLoadedModuleList").hex(h.ps_loaded_module_list);
  j.key("psActiveProcessHead").hex(h.ps_active_process_head);
  j.key("kdDebuggerDataBlock").hex(h.kd_debugger_data_block);
  if (auto t = filetime_to_iso8601(h.system_time)) {
    j.key("systemTime").string(*t);
  } else {
    j.key("systemTime").null();
  }
  j.key("systemUpTimeSeconds").unsigned_number(h.system_up_time / 10'000'000);
  j.key("requiredDumpSpace").hex(h.required_dump_space);
  j.key("fileSize").hex(dump.file_size());
  j.key("comment").string(h.comment);
  if (!h.is64) j.key("paeEnabled").boolean(h.pae_enabled);
  j.end_object();
}

void write_bugcheck(JsonWriter& j, const DumpHeader& h) {
  j.key("bugcheck").begin_object();
  j.key("code").hex(h.bugcheck_code);
  j.key("name").string(bugcheck_name(h.bugcheck_code));
  j.key("parameters").begin_array();
  for (uint64_t p : h.bugcheck_parameters) j.hex(p);
  j.end_array();
  j.end_object();
}

void write_context(JsonWriter& j, const DumpHeader& h, std::vector<Warning>& warnings) {
  auto ctx = parse_context(h);
  j.key("context");
  if (!ctx.ok()) {
    j.null();
    warnings.push_back({"no-context", ctx.error().message});
    return;
  }
  j.begin_object();
  for (const Register& r : ctx->registers) j.key(r.name).hex(r.value);
  j.end_object();
}

void write_exception(JsonWriter& j, const DumpHeader& h, std::vector<Warning>& warnings) {
  auto e = parse_exception(h);
  j.key("exception");
  if (!e.ok()) {
    j.null();
    warnings.push_back({"no-exception", e.error().message});
    return;
  }
  j.begin_object();
  j.key("code").hex(e->code);
  const char* name = exception_code_name(e->code);
  j.key("name").string(name ? name : "");
  j.key("flags").hex(e->flags);
  j.key("address").hex(e->address);
  j.key("parameters").begin_array();
  for (uint64_t p : e->parameters) j.hex(p);
  j.end_array();
  j.end_object();
}

void write_warnings(JsonWriter& j, const std::vector<Warning>& warnings) {
  j.key("warnings").begin_array();
  for (const Warning& w : warnings) {
    j.begin_object();
    j.key("code").string(w.code);
    j.key("message").string(w.message);
    j.end_object();
  }
  j.end_array();
}

}  // namespace

std::string summary_json(Dump& dump, const SummaryOptions& options) {
  JsonWriter j(options.pretty);
  j.begin_object();
  j.key("tool").begin_object().key("name").string(kToolName).key("version").string(kToolVersion).end_object();
  if (!options.file_name.empty()) j.key("file").string(options.file_name);
  write_header(j, dump);
  write_bugcheck(j, dump.header());
  std::vector<Warning> warnings = dump.warnings();
  write_context(j, dump.header(), warnings);
  write_exception(j, dump.header(), warnings);
  write_warnings(j, warnings);
  j.end_object();
  return j.str();
}

}  // namespace kdmp
