// What crashed: the crashing CPU's context and exception, the loaded modules, the stack scan and the culprit,
// computed once from an opened dump. Full, bitmap and RDMP dumps walk page tables for this; triage dumps use
// their saved driver list and saved regions.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kdmp/call_stack.hpp"
#include "kdmp/code_symbolizer.hpp"
#include "kdmp/context.hpp"
#include "kdmp/crash_answer.hpp"
#include "kdmp/culprit.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/exception.hpp"
#include "kdmp/faulting_context.hpp"
#include "kdmp/module_symbols.hpp"
#include "kdmp/modules.hpp"
#include "kdmp/processes.hpp"
#include "kdmp/stack.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

struct Analysis {
  std::optional<Context> context;  // always the header's CONTEXT: the state at the bug check
  std::optional<FaultingContext> faulting_context;  // the state at the fault, when the bug check points to it
  std::optional<ExceptionRecord> exception;  // the crash's exception (crash_exception): the header's, or the record
                                             // a bug check parameter points to
  std::string exception_source;              // "header", "bug check 0x1000007E parameter 3 (exception record)"
  ModuleList modules;  // kernel and user modules, sorted by base; their warnings included
  ProcessReport processes;  // the crashing CPU, thread and process; every process of a full/kernel dump
  StackScan stack;  // from the lowest saved stack address (header context's stack pointer, or TopOfStack) up
  CallStack call_stack;        // `k` from the header's context
  CallStack fault_call_stack;  // `.cxr` / `.trap` then `k`: from faulting_context, when there is one
  Culprit culprit;
  CrashAnswer answer;                       // SYMBOL_NAME, MODULE_NAME, IMAGE_NAME, the failure bucket
  std::vector<Warning> warnings;  // why a part is missing (no context, no virtual memory, ...) plus the stack's
  // Per module (in modules.modules' order): its PE image and symbol source; the symbolizer over all of them.
  // Its warnings (pdb-mismatch, ...) are in `warnings` too.
  ModuleSymbols symbols;
};

struct AnalysisOptions {
  SymbolProvider* symbols = nullptr;  // PDBs and image files; none: images in the dump and their exports only
  size_t max_frames = 256;            // per call stack
};

Analysis analyze(Dump& dump, const AnalysisOptions& options = {});

}  // namespace kdmp
