// The answer `!analyze -v` gives, from what the analysis found: the faulting instruction pointer as a symbol
// (SYMBOL_NAME), the module and image to blame (MODULE_NAME, IMAGE_NAME with its timestamp), the failure bucket in
// WinDbg's shape, and the code bytes around the faulting instruction for a disassembler (the core decodes no
// instructions: the CLI and the viewer bring their own disassemblers).
//
// Buckets: "AV_module!function" for access violations (bug checks 0xA, 0xD1, 0x50, and the exception bug checks
// when the exception is STATUS_ACCESS_VIOLATION); "0x<CODE>_module!function" otherwise ("0x1000007E_amdppm!Func");
// "0x<CODE>_MANUALLY_INITIATED_CRASH" for crashes started on purpose. Without a function name the function part is
// "unknown_function", as WinDbg writes it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kdmp/code_symbolizer.hpp"
#include "kdmp/culprit.hpp"
#include "kdmp/exception.hpp"
#include "kdmp/module_symbols.hpp"

namespace kdmp {

struct CodeWindow {
  uint64_t address = 0;        // of bytes[0]
  std::vector<uint8_t> bytes;  // what is readable around the instruction (up to 32 bytes each side)
  uint64_t instruction = 0;    // the instruction of interest (inside the window)
};

struct CrashAnswer {
  uint64_t faulting_ip = 0;  // 0: none known
  std::string symbol_name;   // "stackdrv!StackLeaf+0x7f", "stackdrv+0x108f"
  std::string module_name;   // "stackdrv"
  std::string image_name;    // "stackdrv.sys"
  uint32_t image_timestamp = 0;
  bool timestamp_is_hash = false;  // a REPRO image: the TimeDateStamp is a content hash, not a date
  std::string image_version;       // the version resource's FileVersion, when its pages were there
  std::string failure_bucket;  // "AV_stackdrv!StackLeaf"
  std::optional<CodeWindow> code;
};

// Whether the bug check and exception make this an access violation in WinDbg's bucketing.
bool is_access_violation(uint32_t bugcheck_code, const ExceptionRecord* exception);

std::string failure_bucket(uint32_t bugcheck_code, const ExceptionRecord* exception,
                           const std::optional<CodeSymbol>& symbol);

// The answer for the culprit's address. vm (for the code bytes) may be null; `images` gives the version and the
// REPRO mark of the culprit's image (images.images is in the order of `modules`).
CrashAnswer crash_answer(uint32_t bugcheck_code, const ExceptionRecord* exception, const Culprit& culprit,
                         CodeSymbolizer& symbols, VirtualMemory* vm, const std::vector<Module>& modules,
                         const ModuleSymbols& images);

// Up to `before` and `after` bytes around address: stops at the first unreadable byte on either side.
std::optional<CodeWindow> read_code_window(VirtualMemory& vm, uint64_t address, size_t before = 32,
                                           size_t after = 32);

}  // namespace kdmp
