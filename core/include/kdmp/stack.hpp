// A raw scan of the crashing thread's stack: every pointer-sized value, from the stack pointer up, that falls inside
// a loaded module, with a flag for the values that look like return addresses (the bytes before them are a call
// instruction, or, on ARM64, the value is the lr of a frame record on the fp chain). Without unwind data this is
// what a debugger's "dps" shows, and it is enough to find the driver that called into the kernel before the crash.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kdmp/modules.hpp"
#include "kdmp/virtual_memory.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

struct StackEntry {
  uint64_t stack_address = 0;  // where on the stack the value was found
  uint64_t value = 0;
  std::string module;          // the module containing value
  uint64_t module_base = 0;
  uint64_t offset = 0;         // value - module_base
  bool probable_return = false;
};

struct StackScanOptions {
  uint64_t max_bytes = 16 * 1024;  // how much of the stack to read, from the stack pointer up
  size_t max_entries = 1024;
  // ARM64: the context's fp (x29). Windows on ARM64 keeps a chain of frame records {previous fp, lr} on the stack,
  // so the lr slots of that chain are return addresses even where the code before them was not saved (triage
  // dumps hold little code). 0: no chain.
  uint64_t frame_pointer = 0;
};

struct StackScan {
  uint64_t start = 0;       // the stack pointer
  uint64_t bytes_read = 0;  // the scan stops at the first unreadable page
  std::vector<StackEntry> entries;
  std::vector<Warning> warnings;  // stack-unreadable
};

// `machine` is the context's machine (0x8664, 0x14c, 0xAA64): it selects the call encodings. `modules` must be
// sorted by base.
StackScan scan_stack(VirtualMemory& vm, uint64_t stack_pointer, uint32_t machine, const std::vector<Module>& modules,
                     const StackScanOptions& options = {});

// x86/x64: whether `before` (the bytes that end right before a return address, up to 7) ends with a complete call:
// E8 rel32, or FF /2 with any ModRM/SIB/displacement form, optionally after a REX prefix on x64.
bool ends_with_call_x86(std::span<const uint8_t> before, bool x64);
// ARM64: whether the instruction word before a return address is BL or BLR.
bool is_call_arm64(uint32_t instruction);

// Reads the bytes before return_address through vm and applies the check for `machine`; false when unreadable.
bool follows_call(VirtualMemory& vm, uint64_t return_address, uint32_t machine);

}  // namespace kdmp
