#include "kdmp/analysis.hpp"

#include <algorithm>

#include "kdmp/crash_exception.hpp"

namespace kdmp {

namespace {

// A triage dump has no PsLoadedModuleList to walk: the kernel saved its driver list instead. Windows 10 and 11 name
// each driver by its full path ("\SystemRoot\system32\hal.dll"); the module's name is the file name.
ModuleList triage_modules(const TriageDump& triage) {
  ModuleList out;
  for (const TriageDriver& d : triage.drivers) {
    Module m;
    m.name = path_file_name(d.name);
    m.path = d.name;
    m.base = d.base;
    m.size = d.size_of_image;
    m.checksum = d.checksum;
    m.timestamp = d.time_date_stamp;
    m.kind = ModuleKind::Kernel;
    out.modules.push_back(std::move(m));
  }
  std::stable_sort(out.modules.begin(), out.modules.end(),
                   [](const Module& a, const Module& b) { return a.base < b.base; });
  return out;
}

}  // namespace

Analysis analyze(Dump& dump, const AnalysisOptions& options) {
  Analysis a;
  const DumpHeader& header = dump.header();

  if (auto ctx = parse_context(header); ctx.ok()) {
    a.context = std::move(ctx).value();
  } else {
    a.warnings.push_back({"no-context", ctx.error().message});
  }
  if (auto e = parse_exception(header); !e.ok()) a.warnings.push_back({"no-exception", e.error().message});

  auto vm = dump.virtual_memory();
  if (auto e = crash_exception(header, vm.ok() ? vm->get() : nullptr)) {
    a.exception = std::move(e->record);
    a.exception_source = std::move(e->source);
  }
  if (!vm.ok()) {
    a.warnings.push_back({"no-virtual-memory", vm.error().message});
  } else if (dump.triage()) {
    a.modules = triage_modules(*dump.triage());
  } else {
    // Without a context the kernel module list can still be walked; user modules need the crashing thread.
    Context none;
    none.machine = header.machine_image_type;
    a.modules = load_modules(**vm, header, a.context ? *a.context : none);
  }

  if (vm.ok()) a.processes = load_processes(dump, **vm, a.context ? &*a.context : nullptr);

  if (vm.ok() && a.context && a.context->stack_pointer != 0) {
    StackScanOptions options;
    options.frame_pointer = a.context->frame_pointer;
    a.stack = scan_stack(**vm, a.context->stack_pointer, a.context->machine, a.modules.modules, options);
    a.warnings.insert(a.warnings.end(), a.stack.warnings.begin(), a.stack.warnings.end());
  }
  const CulpritEvidence evidence =
      culprit_evidence(header, a.context ? &*a.context : nullptr, a.exception ? &*a.exception : nullptr);
  a.culprit = find_culprit(evidence, a.modules.modules, a.stack.entries);
  a.symbols = load_module_symbols(vm.ok() ? vm->get() : nullptr, a.modules.modules, options.symbols);
  a.warnings.insert(a.warnings.end(), a.symbols.warnings.begin(), a.symbols.warnings.end());
  return a;
}

}  // namespace kdmp
