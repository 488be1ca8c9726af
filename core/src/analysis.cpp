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

// The lowest saved stack address: TopOfStack in a triage dump (the kernel saved the stack from there up), else the
// header context's stack pointer; a faulting stack pointer a little below it (same stack) moves the start down.
uint64_t stack_start(const Dump& dump, const Context& context, const std::optional<FaultingContext>& fault) {
  constexpr uint64_t kSameStack = 0x10000;
  uint64_t start = context.stack_pointer;
  if (const TriageDump* t = dump.triage(); t && t->header.top_of_stack != 0) start = t->header.top_of_stack;
  if (fault) {
    const uint64_t sp = fault->context.stack_pointer;
    if (start == 0 || (sp < start && start - sp <= kSameStack)) start = sp;
  }
  return start;
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
  if (vm.ok()) a.faulting_context = find_faulting_context(header, vm->get());

  if (vm.ok() && a.context) {
    if (const uint64_t start = stack_start(dump, *a.context, a.faulting_context)) {
      StackScanOptions scan_options;
      scan_options.frame_pointers = {a.context->frame_pointer};
      if (a.faulting_context) {
        scan_options.frame_pointers.push_back(a.faulting_context->context.frame_pointer);
        scan_options.fault_stack_pointer = a.faulting_context->context.stack_pointer;
      }
      a.stack = scan_stack(**vm, start, a.context->machine, a.modules.modules, scan_options);
      a.warnings.insert(a.warnings.end(), a.stack.warnings.begin(), a.stack.warnings.end());
    }
  }
  // The state at the fault names the faulting code better than the state at the bug check.
  const Context* evidence_context = a.faulting_context ? &a.faulting_context->context
                                    : a.context         ? &*a.context
                                                        : nullptr;
  CulpritEvidence evidence = culprit_evidence(header, evidence_context, a.exception ? &*a.exception : nullptr);
  if (a.faulting_context) evidence.instruction_pointer_source = "the faulting context's instruction pointer";
  evidence.stack_read = a.stack.bytes_read > 0;
  a.culprit = find_culprit(evidence, a.modules.modules, a.stack.entries);
  a.symbols = load_module_symbols(vm.ok() ? vm->get() : nullptr, a.modules.modules, options.symbols);
  a.warnings.insert(a.warnings.end(), a.symbols.warnings.begin(), a.symbols.warnings.end());
  return a;
}

}  // namespace kdmp
