// Which driver crashed the machine: the module containing the faulting code address, chosen by documented rules,
// with the rule that chose it spelled out.
//
// Candidates, in order: the bug check parameter that holds the faulting code address (for the bug checks that have
// one), the exception record's address, the context's instruction pointer. The first candidate inside a loaded
// module wins. When that module is the kernel itself (ntoskrnl/ntkrnlmp/ntkrnlpa/ntkrpamp, hal), which raised the
// bug check on someone's behalf, the first other module on the stack is blamed instead (probable return addresses
// first, then any value), except for a crash started on purpose (is_manual_crash), where the kernel stays. Bug check
// 0 is no crash: a dump written on request (a debugger's .dump, a live dump) blames no module.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kdmp/context.hpp"
#include "kdmp/exception.hpp"
#include "kdmp/header.hpp"
#include "kdmp/modules.hpp"
#include "kdmp/stack.hpp"

namespace kdmp {

// The bug check parameter (1-4) that holds the address of the code that faulted, and what the documentation calls it.
struct BugcheckAddressRule {
  unsigned parameter;
  const char* meaning;
};
std::optional<BugcheckAddressRule> bugcheck_address_rule(uint32_t code);

// ntoskrnl.exe, ntkrnlmp.exe, ntkrnlpa.exe, ntkrpamp.exe, hal.dll and the old HAL variants; case-insensitive, by
// file name (a path is reduced to its last component).
bool is_kernel_image(std::string_view module_name);

struct CulpritEvidence {
  uint32_t bugcheck_code = 0;
  std::array<uint64_t, 4> bugcheck_parameters{};
  std::optional<uint64_t> exception_address;    // from a written exception record, when not 0
  std::optional<uint64_t> instruction_pointer;  // from the context, when not 0
  std::string instruction_pointer_source = "the context's instruction pointer";
  bool stack_read = true;  // false: no stack bytes were read, so nothing can be said of the stack
};

// Gathers the evidence from the header (bug check, exception record) and the context (may be null).
CulpritEvidence culprit_evidence(const DumpHeader& header, const Context* context);
// The same with the exception the analysis settled on (crash_exception) instead of the header's record.
CulpritEvidence culprit_evidence(const DumpHeader& header, const Context* context, const ExceptionRecord* exception);

// Bug checks a person starts on purpose (MANUALLY_INITIATED_CRASH 0xE2 and 0xDEADDEAD, the power button held down
// 0x1C8): the kernel raises them and no driver is at fault, so the stack is not searched for one.
bool is_manual_crash(uint32_t code);
// Bug check 0: the dump was written on request, not by a crash.
bool is_dump_on_request(uint32_t code);

struct Culprit {
  std::optional<Module> module;  // none when no rule found a loaded module
  uint64_t address = 0;          // the address that was attributed (0 when there was no candidate at all)
  uint64_t offset = 0;           // address - module->base
  std::string reason;            // "bug check 0xD1 parameter 4 (address that referenced memory)", ...
};

// `modules` sorted by base; `stack` as scan_stack returns it (may be empty).
Culprit find_culprit(const CulpritEvidence& evidence, const std::vector<Module>& modules,
                     const std::vector<StackEntry>& stack);

}  // namespace kdmp
