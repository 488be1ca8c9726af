#include "kdmp/culprit.hpp"

#include <cctype>
#include <cstdio>

#include "kdmp/exception.hpp"

namespace kdmp {

namespace {

// Bug checks whose parameters name the faulting code address, from the bug check reference
// (learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-code-reference2). Left out on purpose: 0xC4
// (the parameters depend on the violation), 0xBE and 0xFC (parameter 1 is the target, not the code), 0xCB (the
// current documentation turned parameter 1 into a tracking structure).
struct RuleRow {
  uint32_t code;
  BugcheckAddressRule rule;
};
constexpr RuleRow kRules[] = {
    {0x0000000A, {4, "address that referenced memory"}},
    {0x1000000A, {4, "address that referenced memory"}},
    {0x0000001E, {2, "address where the exception occurred"}},
    {0x0000003B, {2, "address of the instruction that caused the bug check"}},
    {0x00000050, {3, "address that referenced memory"}},
    {0x0000007E, {2, "address where the exception occurred"}},
    {0x1000007E, {2, "address where the exception occurred"}},
    {0x0000008E, {2, "address where the exception occurred"}},
    {0x1000008E, {2, "address where the exception occurred"}},
    {0x000000C5, {4, "address that referenced memory"}},
    {0x000000CC, {3, "address that referenced memory"}},
    {0x000000CD, {3, "address that referenced memory"}},
    {0x000000CE, {3, "address that referenced memory"}},
    {0x000000D0, {4, "address that referenced memory"}},
    {0x000000D1, {4, "address that referenced memory"}},
    {0x000000D4, {4, "address that referenced memory"}},
    {0x000000D5, {3, "address that referenced memory"}},
    {0x000000D6, {3, "address that referenced memory"}},
    {0x00000116, {2, "pointer into the responsible device driver module"}},
};

constexpr std::string_view kKernelImages[] = {"ntoskrnl.exe", "ntkrnlmp.exe", "ntkrnlpa.exe", "ntkrpamp.exe",
                                              "hal.dll",      "halacpi.dll",  "halaacpi.dll", "halapic.dll",
                                              "halmacpi.dll", "halmps.dll"};

// Bug check codes are written the way the documentation writes them: 0xD1, 0x1000007E.
std::string code_text(uint32_t code) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%X", static_cast<unsigned>(code));
  return buf;
}

struct Candidate {
  uint64_t address;
  std::string what;
};

// The first stack value in a module other than the kernel: probable return addresses first, then any value.
const StackEntry* first_other_on_stack(const std::vector<StackEntry>& stack) {
  for (bool returns_only : {true, false}) {
    for (const StackEntry& e : stack) {
      if ((e.probable_return || !returns_only) && !is_kernel_image(e.module)) return &e;
    }
  }
  return nullptr;
}

Culprit blame(const Module* module, uint64_t address, std::string reason) {
  Culprit c;
  c.address = address;
  c.reason = std::move(reason);
  if (module != nullptr) {
    c.module = *module;
    c.offset = address - module->base;
  }
  return c;
}

std::string on_stack(const StackEntry& e) {
  return e.module + " is the first other module on the stack (" + (e.probable_return ? "return address " : "value ") +
         hex(e.value) + " at " + hex(e.stack_address) + ")";
}

}  // namespace

std::optional<BugcheckAddressRule> bugcheck_address_rule(uint32_t code) {
  for (const RuleRow& row : kRules) {
    if (row.code == code) return row.rule;
  }
  return std::nullopt;
}

bool is_kernel_image(std::string_view module_name) {
  const size_t slash = module_name.find_last_of("\\/");
  if (slash != std::string_view::npos) module_name.remove_prefix(slash + 1);
  for (std::string_view k : kKernelImages) {
    if (k.size() != module_name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < k.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(module_name[i])) == k[i];
    }
    if (same) return true;
  }
  return false;
}

CulpritEvidence culprit_evidence(const DumpHeader& header, const Context* context) {
  auto e = parse_exception(header);
  return culprit_evidence(header, context, e.ok() ? &*e : nullptr);
}

CulpritEvidence culprit_evidence(const DumpHeader& header, const Context* context, const ExceptionRecord* exception) {
  CulpritEvidence ev;
  ev.bugcheck_code = header.bugcheck_code;
  ev.bugcheck_parameters = header.bugcheck_parameters;
  if (exception != nullptr && exception->address != 0) ev.exception_address = exception->address;
  if (context != nullptr && context->instruction_pointer != 0) ev.instruction_pointer = context->instruction_pointer;
  return ev;
}

bool is_manual_crash(uint32_t code) { return code == 0xE2 || code == 0xDEADDEAD || code == 0x1C8; }

bool is_dump_on_request(uint32_t code) { return code == 0; }

Culprit find_culprit(const CulpritEvidence& evidence, const std::vector<Module>& modules,
                     const std::vector<StackEntry>& stack) {
  std::vector<Candidate> candidates;
  if (auto rule = bugcheck_address_rule(evidence.bugcheck_code)) {
    const uint64_t value = evidence.bugcheck_parameters[rule->parameter - 1];
    if (value != 0) {
      candidates.push_back({value, "bug check " + code_text(evidence.bugcheck_code) + " parameter " +
                                       std::to_string(rule->parameter) + " (" + rule->meaning + ")"});
    }
  }
  if (evidence.exception_address) candidates.push_back({*evidence.exception_address, "the exception address"});
  if (evidence.instruction_pointer) {
    candidates.push_back({*evidence.instruction_pointer, evidence.instruction_pointer_source});
  }
  if (is_dump_on_request(evidence.bugcheck_code)) {
    return blame(nullptr, 0, "no bug check: the dump was written on request (a debugger's .dump or a live dump), "
                             "not by a crash, so no driver is blamed");
  }
  // What can be said of the stack when no other module was found on it.
  const std::string no_other = evidence.stack_read ? "no other module is on the stack"
                                                   : "the stack could not be read to look for another module";

  std::string skipped;  // candidates outside every module, said before the rule that decided
  for (const Candidate& c : candidates) {
    const Module* m = find_module(modules, c.address);
    if (m == nullptr) {
      skipped += c.what + " " + hex(c.address) + " is in no loaded module; ";
      continue;
    }
    if (!is_kernel_image(m->name)) return blame(m, c.address, skipped + c.what);
    const std::string in_kernel = skipped + c.what + " is in " + m->name;
    if (is_manual_crash(evidence.bugcheck_code)) {
      return blame(m, c.address, "bug check " + code_text(evidence.bugcheck_code) +
                                     " is a crash started on purpose, not a driver's fault; " + in_kernel);
    }
    if (const StackEntry* e = first_other_on_stack(stack)) {
      const uint64_t code = e->module_base + e->offset;  // the Thumb bit of an ARM return address left out
      return blame(find_module(modules, code), code, in_kernel + "; " + on_stack(*e));
    }
    return blame(m, c.address, in_kernel + ", and " + no_other);
  }
  if (const StackEntry* e = first_other_on_stack(stack)) {
    const uint64_t code = e->module_base + e->offset;
    return blame(find_module(modules, code), code, skipped + on_stack(*e));
  }
  if (!candidates.empty()) {
    return blame(nullptr, candidates.front().address, skipped + "and " + no_other);
  }
  return blame(nullptr, 0, "no faulting address: no bug check parameter names one, and there is no exception "
                           "address or instruction pointer");
}

}  // namespace kdmp
