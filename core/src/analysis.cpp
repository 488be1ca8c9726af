#include "kdmp/analysis.hpp"

#include <algorithm>

#include "kdmp/crash_exception.hpp"
#include "kdmp/module_unwind_source.hpp"

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


// The frames the unwinder found (not the context's own, not the scan's guesses) as stack entries, so the culprit
// rule that looks past the kernel reads the real callers first.
std::vector<StackEntry> frame_entries(const CallStack& stack, const std::vector<Module>& modules) {
  std::vector<StackEntry> out;
  for (const StackFrame& f : stack.frames) {
    if (f.number == 0 || f.found == FrameFound::Scan) continue;
    const Module* m = find_module(modules, f.instruction_pointer);
    if (m == nullptr) continue;
    StackEntry e;
    e.stack_address = f.child_sp;
    e.value = f.instruction_pointer;
    e.module = m->name;
    e.module_base = m->base;
    e.offset = f.instruction_pointer - m->base;
    e.probable_return = true;
    out.push_back(std::move(e));
  }
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
  a.symbols = load_module_symbols(vm.ok() ? vm->get() : nullptr, a.modules.modules, options.symbols);
  a.warnings.insert(a.warnings.end(), a.symbols.warnings.begin(), a.symbols.warnings.end());
  // After the symbols: the kernel's PDB, when loaded, is the first source of structure offsets.
  if (vm.ok()) {
    a.processes = load_processes(dump, **vm, a.context ? &*a.context : nullptr,
                                 a.symbols.kernel_offsets ? &*a.symbols.kernel_offsets : nullptr);
  }
  SymbolizerNames names(a.symbols.symbolizer);
  std::vector<StackEntry> evidence_stack;
  if (vm.ok()) {
    ModuleUnwindSource unwind(vm->get(), a.modules.modules, a.symbols, options.symbols);
    CallStackOptions stack_options;
    stack_options.max_frames = options.max_frames;
    if (a.context && a.context->stack_pointer != 0) {
      a.call_stack = walk_call_stack(**vm, *a.context, a.modules.modules, &unwind, &names, stack_options);
    }
    // `.cxr` / `.trap` then `k`: from the same faulting context the summary reports.
    if (a.faulting_context) {
      a.fault_call_stack =
          walk_call_stack(**vm, a.faulting_context->context, a.modules.modules, &unwind, &names, stack_options);
    }
    evidence_stack = frame_entries(a.fault_call_stack, a.modules.modules);
    auto more = frame_entries(a.call_stack, a.modules.modules);
    evidence_stack.insert(evidence_stack.end(), more.begin(), more.end());
  }
  evidence_stack.insert(evidence_stack.end(), a.stack.entries.begin(), a.stack.entries.end());
  // The state at the fault names the faulting code better than the state at the bug check.
  const Context* evidence_context = a.faulting_context ? &a.faulting_context->context
                                    : a.context         ? &*a.context
                                                        : nullptr;
  CulpritEvidence evidence = culprit_evidence(header, evidence_context, a.exception ? &*a.exception : nullptr);
  if (a.faulting_context) evidence.instruction_pointer_source = "the faulting context's instruction pointer";
  evidence.stack_read = a.stack.bytes_read > 0;
  a.culprit = find_culprit(evidence, a.modules.modules, evidence_stack);
  a.answer = crash_answer(header.bugcheck_code, a.exception ? &*a.exception : nullptr, a.culprit, names,
                          vm.ok() ? vm->get() : nullptr, a.modules.modules, a.symbols);
  return a;
}

}  // namespace kdmp
