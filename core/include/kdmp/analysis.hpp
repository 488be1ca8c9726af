// What crashed: the crashing CPU's context and exception, the loaded modules, the stack scan and the culprit,
// computed once from an opened dump. Full, bitmap and RDMP dumps walk page tables for this; triage dumps use
// their saved driver list and saved regions.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "kdmp/context.hpp"
#include "kdmp/culprit.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/exception.hpp"
#include "kdmp/faulting_context.hpp"
#include "kdmp/modules.hpp"
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
  StackScan stack;  // from the lowest saved stack address (header context's stack pointer, or TopOfStack) up
  Culprit culprit;
  std::vector<Warning> warnings;  // why a part is missing (no context, no virtual memory, ...) plus the stack's
};

Analysis analyze(Dump& dump);

}  // namespace kdmp
