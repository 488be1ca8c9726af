#include "kdmp/fault_context.hpp"

#include <cstdio>
#include <vector>

#include "kdmp/call_stack.hpp"

namespace kdmp {

std::optional<FaultContext> fault_context(const DumpHeader& header, VirtualMemory& vm) {
  const uint32_t code = header.bugcheck_code;
  const uint32_t machine = header.machine_image_type;
  unsigned parameter = 0;  // 1-based
  bool trap_frame = false;
  if (code == 0x7E || code == 0x1000007E) parameter = 4;
  else if (code == 0x3B) parameter = 3;
  else if (code == 0x8E || code == 0x1000008E) parameter = 3, trap_frame = true;
  else if (code == 0x139) parameter = 2, trap_frame = true;
  if (parameter == 0) return std::nullopt;
  const uint64_t address = header.bugcheck_parameters[parameter - 1];
  if (address == 0) return std::nullopt;
  char label[96];
  std::snprintf(label, sizeof label, "bug check 0x%X parameter %u (%s)", code, parameter,
                trap_frame ? "trap frame" : "context record");
  if (trap_frame) {
    if (machine != 0x8664) return std::nullopt;
    auto c = read_ktrap_frame_x64(vm, address);
    if (!c.ok() || c->instruction_pointer == 0) return std::nullopt;
    return FaultContext{std::move(c).value(), label};
  }
  std::vector<uint8_t> bytes(context_record_size(machine));
  if (bytes.empty() || !vm.read_virtual_exact(Gva(address), bytes).ok()) return std::nullopt;
  auto c = parse_context_bytes(machine, bytes);
  if (!c.ok() || c->instruction_pointer == 0 || c->stack_pointer == 0) return std::nullopt;
  return FaultContext{std::move(c).value(), label};
}

}  // namespace kdmp
