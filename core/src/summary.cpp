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

void write_registers(JsonWriter& j, const Context& ctx) {
  j.begin_object();
  for (const Register& r : ctx.registers) j.key(r.name).hex(r.value);
  j.end_object();
}

// `context`: the header's CONTEXT, the state at the bug check.
void write_context(JsonWriter& j, const std::optional<Context>& ctx) {
  j.key("context");
  if (ctx) {
    write_registers(j, *ctx);
  } else {
    j.null();
  }
}

// `faultingContext`: {source, address, registers}, the state at the fault the bug check points to.
void write_faulting_context(JsonWriter& j, const std::optional<FaultingContext>& fault) {
  j.key("faultingContext");
  if (!fault) {
    j.null();
    return;
  }
  j.begin_object();
  j.key("source").string(fault->source);
  j.key("address").hex(fault->address);
  j.key("registers");
  write_registers(j, fault->context);
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


void write_image(JsonWriter& j, const ModuleImage* mi) {
  j.key("image").begin_object();
  j.key("headerPresent").boolean(mi && mi->header_present);
  j.key("fromFile").boolean(mi && mi->image_from_file);
  const PeImage* img = mi && mi->image ? &*mi->image : nullptr;
  j.key("timeDateStampIsHash").boolean(img && img->time_date_stamp_is_hash);
  j.key("pdb");
  if (img && img->codeview) {
    j.begin_object();
    j.key("name").string(img->codeview->pdb_name);
    j.key("guid").string(img->codeview->guid.text());
    j.key("age").unsigned_number(img->codeview->age);
    j.end_object();
  } else {
    j.null();
  }
  j.key("version");
  if (img && img->version) {
    const PeVersion& v = *img->version;
    j.begin_object();
    j.key("fileVersion").string(v.file_version);
    j.key("productVersion").string(v.product_version);
    j.key("companyName").string(v.company_name);
    j.key("fileDescription").string(v.file_description);
    j.key("productName").string(v.product_name);
    j.end_object();
  } else {
    j.null();
  }
  j.end_object();
}

std::string symbol_text(const Symbolizer& symbols, uint64_t address) {
  auto name = symbols.symbolize(address);
  return name ? name->text() : std::string();
}

void write_modules(JsonWriter& j, const std::vector<Module>& modules, const ModuleSymbols& symbols) {
  j.key("modules").begin_array();
  for (size_t i = 0; i < modules.size(); ++i) {
    const Module& m = modules[i];
    const ModuleImage* mi = i < symbols.images.size() ? &symbols.images[i] : nullptr;
    j.begin_object();
    j.key("name").string(m.name);
    j.key("path").string(m.path);
    j.key("base").hex(m.base);
    j.key("size").hex(m.size);
    j.key("checksum").hex(m.checksum);
    j.key("timestamp").hex(m.timestamp);
    j.key("kind").string(module_kind_name(m.kind));
    write_image(j, mi);
    j.key("symbols").string(symbol_source_name(mi ? mi->symbols : SymbolSource::None));
    j.end_object();
  }
  j.end_array();
}

void write_culprit(JsonWriter& j, const Culprit& c, const Symbolizer& symbols) {
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
  j.key("symbol").string(symbol_text(symbols, c.address));
  j.key("reason").string(c.reason);
  j.end_object();
}

void write_stack(JsonWriter& j, const StackScan& stack, const Symbolizer& symbols) {
  j.key("stack").begin_object();
  j.key("start").hex(stack.start);
  j.key("bytesRead").unsigned_number(stack.bytes_read);
  j.key("faultingStackPointer");
  if (stack.fault_stack_pointer != 0) {
    j.hex(stack.fault_stack_pointer);
  } else {
    j.null();
  }
  j.key("entries").begin_array();
  for (const StackEntry& e : stack.entries) {
    j.begin_object();
    j.key("stackAddress").hex(e.stack_address);
    j.key("value").hex(e.value);
    j.key("module").string(e.module);
    j.key("offset").hex(e.offset);
    j.key("symbol").string(symbol_text(symbols, e.module_base + e.offset));  // ARM: without the Thumb bit
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
  j.key("timestampIsHash").boolean(answer.timestamp_is_hash);
  text_or_null("imageVersion", answer.image_version);
  j.key("failureBucket").string(answer.failure_bucket);
  j.key("processName");
  if (a.processes.crashing && !a.processes.crashing->process_name.empty()) j.string(a.processes.crashing->process_name);
  else j.null();
  j.key("thread");
  if (a.processes.crashing && a.processes.crashing->thread != 0) j.hex(a.processes.crashing->thread);
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

template <class T>
void optional_hex(JsonWriter& j, const char* key, const std::optional<T>& v) {
  j.key(key);
  if (v) {
    j.hex(static_cast<uint64_t>(*v));
  } else {
    j.null();
  }
}

template <class T>
void optional_number(JsonWriter& j, const char* key, const std::optional<T>& v) {
  j.key(key);
  if (v) {
    j.unsigned_number(static_cast<uint64_t>(*v));
  } else {
    j.null();
  }
}

void optional_time(JsonWriter& j, const char* key, const std::optional<uint64_t>& filetime) {
  j.key(key);
  auto t = filetime ? filetime_to_iso8601(*filetime) : std::nullopt;
  if (t) {
    j.string(*t);
  } else {
    j.null();
  }
}

void write_crashing(JsonWriter& j, const ProcessReport& r) {
  const auto& c = r.crashing;
  j.key("crashingProcess");
  if (c && c->process != 0) {
    j.begin_object();
    j.key("name").string(c->process_name);
    optional_number(j, "pid", c->pid);
    j.key("address").hex(c->process);
    j.end_object();
  } else {
    j.null();
  }
  j.key("crashingThread");
  if (c) {
    j.begin_object();
    optional_number(j, "tid", c->tid);
    j.key("address").hex(c->thread);
    optional_number(j, "cpu", c->cpu);
    optional_number(j, "irql", c->irql);
    j.key("irqlSource").string(c->irql_source);
    j.key("prcb");
    if (c->prcb != 0) {
      j.hex(c->prcb);
    } else {
      j.null();
    }
    j.key("how").string(c->how);
    j.end_object();
  } else {
    j.null();
  }
}

void write_processes(JsonWriter& j, const ProcessReport& r, const Symbolizer& symbols) {
  j.key("processes").begin_array();
  for (const ProcessInfo& p : r.processes) {
    j.begin_object();
    j.key("address").hex(p.address);
    optional_number(j, "pid", p.pid);
    optional_number(j, "parentPid", p.parent_pid);
    j.key("name").string(p.name);
    j.key("imagePath").string(p.image_path);
    optional_time(j, "createTime", p.create_time);
    optional_time(j, "exitTime", p.exit_time);
    optional_number(j, "sessionId", p.session_id);
    optional_hex(j, "directoryTableBase", p.directory_table_base);
    optional_hex(j, "userDirectoryTableBase", p.user_directory_table_base);
    optional_hex(j, "peb", p.peb);
    j.key("wow64");
    if (p.wow64) {
      j.boolean(*p.wow64);
    } else {
      j.null();
    }
    optional_number(j, "activeThreads", p.active_threads);
    j.key("threads").begin_array();
    for (const ThreadInfo& t : p.threads) {
      j.begin_object();
      j.key("address").hex(t.address);
      optional_number(j, "tid", t.tid);
      optional_number(j, "state", t.state);
      j.key("stateName").string(t.state ? thread_state_name(*t.state) : "");
      optional_hex(j, "startAddress", t.start_address);
      j.key("startSymbol").string(t.start_address ? symbol_text(symbols, *t.start_address) : "");
      optional_hex(j, "win32StartAddress", t.win32_start_address);
      j.key("win32StartSymbol").string(t.win32_start_address ? symbol_text(symbols, *t.win32_start_address) : "");
      optional_hex(j, "teb", t.teb);
      j.end_object();
    }
    j.end_array();
    j.key("modules").begin_array();
    for (const Module& m : p.modules) {
      j.begin_object();
      j.key("name").string(m.name);
      j.key("path").string(m.path);
      j.key("base").hex(m.base);
      j.key("size").hex(m.size);
      j.key("timestamp").hex(m.timestamp);
      j.key("kind").string(module_kind_name(m.kind));
      j.end_object();
    }
    j.end_array();
    j.key("moduleWarnings").begin_array();
    for (const Warning& w : p.module_warnings) {
      j.begin_object();
      j.key("code").string(w.code);
      j.key("message").string(w.message);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.key("kernelOffsets").begin_object();
  j.key("sources").begin_array();
  for (const std::string& s : r.offsets.sources) j.string(s);
  j.end_array();
  j.key("fields").begin_array();
  for (size_t i = 0; i < kKernelFieldCount; ++i) {
    const auto f = static_cast<KernelField>(i);
    if (!r.offsets.has(f)) continue;
    j.begin_object();
    j.key("field").string(kernel_field_name(f));
    j.key("offset").hex(*r.offsets.get(f));
    j.key("source").string(offset_origin_name(r.offsets.origin(f)));
    j.end_object();
  }
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
  AnalysisOptions analysis_options;
  analysis_options.symbols = options.symbols;
  return summary_json(dump, analyze(dump, analysis_options), options);
}

std::string summary_json(Dump& dump, const Analysis& analysis, const SummaryOptions& options) {
  JsonWriter j(options.pretty);
  j.begin_object();
  j.key("tool").begin_object().key("name").string(kToolName).key("version").string(kToolVersion).end_object();
  if (!options.file_name.empty()) j.key("file").string(options.file_name);
  write_header(j, dump);
  write_bugcheck(j, dump.header());
  write_context(j, analysis.context);
  write_faulting_context(j, analysis.faulting_context);
  write_exception(j, analysis.exception, analysis.exception_source);
  write_physical_memory(j, dump);
  write_modules(j, analysis.modules.modules, analysis.symbols);
  write_culprit(j, analysis.culprit, analysis.symbols.symbolizer);
  write_crashing(j, analysis.processes);
  write_processes(j, analysis.processes, analysis.symbols.symbolizer);
  write_stack(j, analysis.stack, analysis.symbols.symbolizer);
  write_call_stack(j, "callStack", analysis.call_stack);
  if (analysis.faulting_context) write_call_stack(j, "faultCallStack", analysis.fault_call_stack);
  write_answer(j, analysis, dump.header());
  write_triage(j, dump.triage());
  std::vector<Warning> warnings = dump.warnings();
  warnings.insert(warnings.end(), analysis.warnings.begin(), analysis.warnings.end());
  warnings.insert(warnings.end(), analysis.modules.warnings.begin(), analysis.modules.warnings.end());
  warnings.insert(warnings.end(), analysis.processes.warnings.begin(), analysis.processes.warnings.end());
  write_warnings(j, warnings);
  j.end_object();
  return j.str();
}

}  // namespace kdmp
