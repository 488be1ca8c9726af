// A raw scan of the crashing thread's stack: every pointer-sized value, from the lowest saved stack address up, that
// falls inside a loaded module, with a flag for the values that look like return addresses (the bytes before them are
// a call instruction, or, on ARM64 and ARM, the value is the lr of a frame record on the fp / r11 chain). Without unwind data this is
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
  uint64_t offset = 0;         // value - module_base; on ARM a Thumb return address's bit 0 is left out
  bool probable_return = false;
};

struct StackScanOptions {
  uint64_t max_bytes = 16 * 1024;  // how much of the stack to read, from the stack pointer up
  size_t max_entries = 1024;
  // ARM64 and ARM: the contexts' fp (x29) or r11. Windows on ARM keeps a chain of frame records {previous fp, lr}
  // (pointer-sized) on the stack, so the lr slots of that chain are return addresses even where the code before them
  // was not saved (triage dumps hold little code). Each non-zero one starts a chain (the header's context, the
  // faulting context).
  std::vector<uint64_t> frame_pointers;
  // Where the faulting context's stack pointer is (0: none), kept in the scan so a reader sees which entries lie
  // between the bug check and the fault (below it) and which belong to the faulting code's callers.
  uint64_t fault_stack_pointer = 0;
};

struct StackScan {
  uint64_t start = 0;       // the lowest saved stack address: the header context's stack pointer, or TopOfStack
  uint64_t bytes_read = 0;  // the scan stops at the first unreadable page
  uint64_t fault_stack_pointer = 0;  // the faulting context's stack pointer (0: no faulting context)
  std::vector<StackEntry> entries;
  std::vector<Warning> warnings;  // stack-unreadable
};

// `machine` is the context's machine (0x8664, 0x14c, 0xAA64, 0x1c4): it selects the call encodings. `modules` must be
// sorted by base.
StackScan scan_stack(VirtualMemory& vm, uint64_t stack_pointer, uint32_t machine, const std::vector<Module>& modules,
                     const StackScanOptions& options = {});

// x86/x64: whether `before` (the bytes that end right before a return address, up to 7) ends with a complete call:
// E8 rel32, or FF /2 with any ModRM/SIB/displacement form, optionally after a REX prefix on x64.
bool ends_with_call_x86(std::span<const uint8_t> before, bool x64);
// ARM64: whether the instruction word before a return address is BL or BLR.
bool is_call_arm64(uint32_t instruction);
// ARM (Thumb-2): whether the halfwords before a return address end with a call: the 32-bit BL or BLX (immediate)
// (first halfword 11110..., second 11x1... or 11x0...0), or the 16-bit BLX Rm (010001111mmmm000).
// `before` holds the 4 bytes that end right before the return address (bit 0 cleared).
bool ends_with_call_thumb(std::span<const uint8_t> before);
// The code address a stack value names: ARM clears the Thumb bit (bit 0) of a return address; others keep it.
uint64_t code_address(uint64_t value, uint32_t machine);

// Reads the bytes before return_address through vm and applies the check for `machine`; false when unreadable.
bool follows_call(VirtualMemory& vm, uint64_t return_address, uint32_t machine);

}  // namespace kdmp
