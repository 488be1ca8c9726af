#include "analyze_text.hpp"

#include <cstdio>
#include <string>

#include "disassembler.hpp"
#include "kdmp/bugcheck.hpp"

namespace kdmp::cli {

namespace {

// WinDbg's 64-bit address spelling: ffffd001`2345fbc8.
std::string address_text(uint64_t v, bool wide) {
  char buf[32];
  if (wide) std::snprintf(buf, sizeof buf, "%08x`%08x", static_cast<unsigned>(v >> 32), static_cast<unsigned>(v));
  else std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(v));
  return buf;
}

void print_frames(const CallStack& stack, bool wide) {
  std::printf(" # %-*s %-*s Call Site\n", wide ? 17 : 8, "Child-SP", wide ? 17 : 8, "RetAddr");
  for (const StackFrame& f : stack.frames) {
    std::string note;
    if (f.found == FrameFound::Scan) note = "  (scan: a guess)";
    else if (f.found == FrameFound::FrameChain) note = "  (frame chain)";
    if (f.trap_frame != 0) note += "  (TrapFrame @ " + address_text(f.trap_frame, wide) + ")";
    std::printf("%02x %s %s %s%s\n", f.number, address_text(f.child_sp, wide).c_str(),
                address_text(f.return_address, wide).c_str(), f.call_site.c_str(), note.c_str());
  }
  if (!stack.stop_reason.empty()) std::printf("(stopped: %s)\n", stack.stop_reason.c_str());
}

bool wide_machine(uint32_t machine) { return machine == 0x8664 || machine == 0xAA64; }

}  // namespace

void print_stack(const Analysis& a) {
  const bool wide = a.context ? wide_machine(a.context->machine) : true;
  if (a.faulting_context) {
    std::printf("Fault context (%s):\n", a.faulting_context->source.c_str());
    print_frames(a.fault_call_stack, wide);
    std::printf("\nDump context (the crashing CPU at the bug check):\n");
  }
  if (a.call_stack.frames.empty()) {
    std::printf("no call stack: %s\n", a.context ? "the stack could not be read" : "the dump has no context");
    return;
  }
  print_frames(a.call_stack, wide);
}

void print_analyze(Dump& dump, const Analysis& a) {
  const DumpHeader& h = dump.header();
  const bool wide = a.context ? wide_machine(a.context->machine) : h.is64;
  const CrashAnswer& answer = a.answer;
  std::printf("*******************************************************************************\n");
  std::printf("*                        Bugcheck Analysis                                    *\n");
  std::printf("*******************************************************************************\n\n");
  std::printf("%s (%x)\n", bugcheck_name(h.bugcheck_code).c_str(), h.bugcheck_code);
  if (const BugcheckInfo* info = find_bugcheck(h.bugcheck_code)) {
    std::printf("%s\n", info->description);
    std::printf("Arguments:\n");
    for (size_t i = 0; i < 4; ++i) {
      std::printf("Arg%zu: %s%s%s\n", i + 1, address_text(h.bugcheck_parameters[i], wide).c_str(),
                  info->parameters[i] ? ", " : "", info->parameters[i] ? info->parameters[i] : "");
    }
  } else {
    for (size_t i = 0; i < 4; ++i) {
      std::printf("Arg%zu: %s\n", i + 1, address_text(h.bugcheck_parameters[i], wide).c_str());
    }
  }
  std::printf("\n");
  if (a.exception) std::printf("EXCEPTION_CODE: %08x\n", a.exception->code);
  if (const auto& c = a.processes.crashing) {
    if (!c->process_name.empty()) std::printf("PROCESS_NAME:  %s\n", c->process_name.c_str());
    if (c->process != 0) std::printf("PROCESS:  %s\n", address_text(c->process, wide).c_str());
    if (c->thread != 0) std::printf("THREAD:  %s\n", address_text(c->thread, wide).c_str());
  }
  if (a.faulting_context) std::printf("CONTEXT:  %s\n", a.faulting_context->source.c_str());
  std::printf("\nSTACK_TEXT:\n");
  print_stack(a);
  std::printf("\n");
  if (answer.faulting_ip != 0) {
    std::printf("FAULTING_IP:\n%s\n", answer.symbol_name.c_str());
    if (answer.code) {
      const uint32_t machine = a.context ? a.context->machine : h.machine_image_type;
      for (const Instruction& ins : disassemble_around(machine, answer.code->address, answer.code->bytes,
                                                       answer.code->instruction)) {
        std::string bytes;
        char b[4];
        for (uint8_t x : ins.bytes) std::snprintf(b, sizeof b, "%02x", x), bytes += b;
        std::printf("%s %s %-20s %s\n", ins.address == answer.code->instruction ? ">" : " ",
                    address_text(ins.address, wide).c_str(), bytes.c_str(), ins.text.c_str());
      }
    } else {
      std::printf("(the code page is not in the dump)\n");
    }
    std::printf("\n");
  }
  auto line = [](const char* key, const std::string& value) {
    if (!value.empty()) std::printf("%s:  %s\n\n", key, value.c_str());
  };
  line("SYMBOL_NAME", answer.symbol_name);
  line("MODULE_NAME", answer.module_name);
  line("IMAGE_NAME", answer.image_name);
  if (!answer.image_name.empty()) {
    char ts[16];
    std::snprintf(ts, sizeof ts, "%x", answer.image_timestamp);
    line("IMAGE_VERSION", answer.image_version);
    line("TIMESTAMP", answer.timestamp_is_hash ? std::string(ts) + " (a hash, not a date: REPRO image)" : ts);
  }
  line("FAILURE_BUCKET_ID", answer.failure_bucket);
  if (a.culprit.module) line("CULPRIT_REASON", a.culprit.reason);
}

}  // namespace kdmp::cli
