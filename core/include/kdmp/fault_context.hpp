// The context of the fault itself, when the bug check points at one (WinDbg's `.cxr` / `.trap` from the bug check's
// parameters): the dump's own CONTEXT is the crashing CPU's state inside KeBugCheckEx, while the fault happened
// earlier, in the code the exception or trap interrupted.
//   0x7E, 0x1000007E: parameter 4 is a CONTEXT record.   0x3B: parameter 3 is a CONTEXT record.
//   0x8E, 0x1000008E: parameter 3 is a KTRAP_FRAME.       0x139: parameter 2 is a KTRAP_FRAME.
// Trap frames are read for x64 only (the layout of other machines' KTRAP_FRAME is not known here).
#pragma once
#include <optional>
#include <string>

#include "kdmp/context.hpp"
#include "kdmp/header.hpp"
#include "kdmp/virtual_memory.hpp"

namespace kdmp {

struct FaultContext {
  Context context;
  std::string source;  // "bug check 0x1000007E parameter 4 (context record)"
};

std::optional<FaultContext> fault_context(const DumpHeader& header, VirtualMemory& vm);

}  // namespace kdmp
