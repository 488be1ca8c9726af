// The CPU state at the fault, when the bug check says where it is. The header's CONTEXT is the state at the bug
// check (KeBugCheckEx, or wherever the writer stopped the CPU) and stays the dump's `context`; this one sits beside
// it. Sources, from the bug check reference:
//   0x7E, 0x1000007E  parameter 4: a CONTEXT record          0x3B  parameter 3: a CONTEXT record
//   0x8E, 0x1000008E  parameter 3: a KTRAP_FRAME             0x139 parameter 2: a KTRAP_FRAME
// Trap frames are decoded for x64 and x86 (the registers a trap frame keeps); CONTEXT records for every machine.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "kdmp/context.hpp"
#include "kdmp/header.hpp"
#include "kdmp/virtual_memory.hpp"

namespace kdmp {

struct FaultingContext {
  Context context;
  std::string source;  // "bug check 0x1000007E parameter 4 (context record)", "... parameter 3 (trap frame)"
  uint64_t address = 0;  // where the record was read
};

enum class FaultRecordKind { Context, TrapFrame };
struct FaultRecordRule {
  unsigned parameter;  // 1-4
  FaultRecordKind kind;
};
// The bug check parameter that points to the state at the fault, for the bug checks that have one.
std::optional<FaultRecordRule> fault_record_rule(uint32_t code);

// The registers an x64 KTRAP_FRAME (0x190 bytes) or x86 KTRAP_FRAME (0x8c bytes) keeps: the volatile registers,
// rbx/rdi/rsi/rbp, rip, rsp, eflags and the segments. `address` is where the frame is (x86 kernel-mode traps push
// no esp: it is the address of HardwareEsp). nullopt for other machines.
std::optional<Context> decode_trap_frame(std::span<const uint8_t> bytes, uint32_t machine, uint64_t address);
std::optional<size_t> trap_frame_size(uint32_t machine);

// `vm` may be null (no virtual memory): then nullopt. A record is believed only when its instruction and stack
// pointers are set.
std::optional<FaultingContext> find_faulting_context(const DumpHeader& header, VirtualMemory* vm);

}  // namespace kdmp
