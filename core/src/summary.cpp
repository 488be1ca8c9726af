#include "kdmp/summary.hpp"

#include "kdmp/analysis.hpp"
#include "kdmp/bugcheck.hpp"
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
  const BugcheckInfo* info = find_bugcheck(h.bugcheck_code);
  j.key("bugcheck").begin_object();
  j.key("code").hex(h.bugcheck_code);
  j.key("name").string(bugcheck_name(h.bugcheck_code));
  j.key("description").string(info ? info->description : "");
  j.key("parameters").begin_array();
  for (uint64_t p : h.bugcheck_parameters) j.hex(p);
  j.end_array();
  j.key("parameterMeanings").begin_array();
  for (size_t i = 0; i < 4; ++i) {
    if (info && info->parameters[i]) {
      j.string(info->parameters[i]);
    } else {
      j.null();
    }
  }
  j.end_array();
  j.end_object();
}

void write_context(JsonWriter& j, const std::optional<Context>& ctx) {
  j.key("context");
  if (!ctx) {
    j.null();
    return;
  }
  j.begin_object();
  for (const Register& r : ctx->registers) j.key(r.name).hex(r.value);
  j.end_object();
}

void write_exception(JsonWriter& j, const std::optional<ExceptionRecord>& e, const std::string& source) {
  j.key("exception");
  if (!e) {
    j.null();
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
  j.key("source").string(source);
  j.end_object();
}

void write_physical_memory(JsonWriter& j, const Dump& dump) {
  j.key("physicalMemory").begin_object();
  j.key("pages").unsigned_number(dump.physical_page_count());
  j.key("ranges").begin_array();
  dump.for_each_physical_range([&](const PhysicalRange& r) {
    j.begin_object().key("base").hex(r.first_pfn << 12).key("pages").unsigned_number(r.page_count).end_object();
    return true;
  });
  j.end_array();
  j.end_object();
}


void write_modules(JsonWriter& j, const std::vector<Module>& modules) {
  j.key("modules").begin_array();
  for (const Module& m : modules) {
    j.begin_object();
    j.key("name").string(m.name);
    j.key("path").string(m.path);
    j.key("base").hex(m.base);
    j.key("size").hex(m.size);
    j.key("checksum").hex(m.checksum);
    j.key("timestamp").hex(m.timestamp);
    j.key("kind").string(module_kind_name(m.kind));
    j.end_object();
  }
  j.end_array();
}

void write_culprit(JsonWriter& j, const Culprit& c) {
  j.key("culprit");
  if (!c.module) {
    j.null();
    return;
  }
  j.begin_object();
  j.key("module").string(c.module->name);
  j.key("base").hex(c.module->base);
  j.key("address").hex(c.address);
  j.key("offset").hex(c.offset);
  j.key("reason").string(c.reason);
  j.end_object();
}

void write_stack(JsonWriter& j, const StackScan& stack) {
  j.key("stack").begin_object();
  j.key("start").hex(stack.start);
  j.key("bytesRead").unsigned_number(stack.bytes_read);
  j.key("entries").begin_array();
  for (const StackEntry& e : stack.entries) {
    j.begin_object();
    j.key("stackAddress").hex(e.stack_address);
    j.key("value").hex(e.value);
    j.key("module").string(e.module);
    j.key("offset").hex(e.offset);
    j.key("probableReturn").boolean(e.probable_return);
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

void write_call_stack(JsonWriter& j, const char* key, const CallStack& stack) {
  j.key(key).begin_object();
  j.key("frames").begin_array();
  for (const StackFrame& f : stack.frames) {
    j.begin_object();
    j.key("number").unsigned_number(f.number);
    j.key("childSp").hex(f.child_sp);
    j.key("returnAddress").hex(f.return_address);
    j.key("instructionPointer").hex(f.instruction_pointer);
    j.key("callSite").string(f.call_site);
    j.key("module");
    if (f.symbol) j.string(f.symbol->module);
    else j.null();
    j.key("function");
    if (f.symbol && !f.symbol->function.empty()) j.string(f.symbol->function);
    else j.null();
    j.key("found").string(frame_found_name(f.found));
    j.key("trapFrame");
    if (f.trap_frame != 0) j.hex(f.trap_frame);
    else j.null();
    j.end_object();
  }
  j.end_array();
  j.key("stopReason").string(stack.stop_reason);
  j.key("guessed").boolean(stack.guessed);
  j.end_object();
}

std::string hex_bytes(const std::vector<uint8_t>& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

void write_answer(JsonWriter& j, const Analysis& a, const DumpHeader& header) {
  const CrashAnswer& answer = a.answer;
  auto text_or_null = [&](const char* key, const std::string& v) {
    j.key(key);
    if (v.empty()) j.null();
    else j.string(v);
  };
  j.key("analysis").begin_object();
  j.key("bugcheckCode").hex(header.bugcheck_code);
  j.key("bugcheckName").string(bugcheck_name(header.bugcheck_code));
  j.key("faultingIp");
  if (answer.faulting_ip != 0) j.hex(answer.faulting_ip);
  else j.null();
  text_or_null("symbolName", answer.symbol_name);
  text_or_null("moduleName", answer.module_name);
  text_or_null("imageName", answer.image_name);
  j.key("imageTimestamp");
  if (!answer.image_name.empty()) j.hex(answer.image_timestamp);
  else j.null();
  j.key("failureBucket").string(answer.failure_bucket);
  j.key("faultContextSource");
  if (a.fault) j.string(a.fault->source);
  else j.null();
  j.key("code");
  if (answer.code) {
    j.begin_object();
    j.key("address").hex(answer.code->address);
    j.key("instruction").hex(answer.code->instruction);
    j.key("bytes").string(hex_bytes(answer.code->bytes));
    j.end_object();
  } else {
    j.null();
  }
  j.end_object();
}

void write_triage(JsonWriter& j, const TriageDump* t) {
  if (!t) return;
  j.key("triage").begin_object();
  j.key("valid").boolean(t->valid);
  j.key("driverCount").unsigned_number(t->header.driver_count);
  j.key("sizeOfDump").hex(t->header.size_of_dump);
  j.key("topOfStack").hex(t->header.top_of_stack);
  j.key("sizeOfCallStack").hex(t->header.size_of_call_stack);
  j.key("servicePackBuild").unsigned_number(t->header.service_pack_build);
  j.key("triageOptions").hex(t->header.triage_options);
  j.key("unloadedDrivers").begin_array();
  for (const TriageUnloadedDriver& u : t->unloaded_drivers) {
    j.begin_object().key("name").string(u.name).key("start").hex(u.start).key("end").hex(u.end).end_object();
  }
  j.end_array();
  j.key("dataBlocks").begin_array();
  for (const TriageDataBlock& b : t->data_blocks) {
    j.begin_object()
        .key("address")
        .hex(b.va.value)
        .key("fileOffset")
        .hex(b.file_offset.value)
        .key("size")
        .hex(b.size)
        .end_object();
  }
  j.end_array();
  j.key("brokenDriver");
  if (t->broken_driver) {
    j.string(t->broken_driver->name);
  } else {
    j.null();
  }
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
  const Analysis analysis = analyze(dump, options.analyze);
  JsonWriter j(options.pretty);
  j.begin_object();
  j.key("tool").begin_object().key("name").string(kToolName).key("version").string(kToolVersion).end_object();
  if (!options.file_name.empty()) j.key("file").string(options.file_name);
  write_header(j, dump);
  write_bugcheck(j, dump.header());
  write_context(j, analysis.context);
  write_exception(j, analysis.exception, analysis.exception_source);
  write_physical_memory(j, dump);
  write_modules(j, analysis.modules.modules);
  write_culprit(j, analysis.culprit);
  write_stack(j, analysis.stack);
  write_call_stack(j, "callStack", analysis.call_stack);
  if (analysis.fault) write_call_stack(j, "faultCallStack", analysis.fault_call_stack);
  write_answer(j, analysis, dump.header());
  write_triage(j, dump.triage());
  std::vector<Warning> warnings = dump.warnings();
  warnings.insert(warnings.end(), analysis.warnings.begin(), analysis.warnings.end());
  warnings.insert(warnings.end(), analysis.modules.warnings.begin(), analysis.modules.warnings.end());
  write_warnings(j, warnings);
  j.end_object();
  return j.str();
}

}  // namespace kdmp
