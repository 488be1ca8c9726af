#include "kdmp/crash_exception.hpp"

#include <cstdio>
#include <vector>

namespace kdmp {

namespace {

// A record read from memory is believed only when it looks like one: a code, and no more parameters than fit.
constexpr uint32_t kMaxExceptionParameters = 15;

std::string code_text(uint32_t code) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%X", static_cast<unsigned>(code));
  return buf;
}

}  // namespace

std::optional<unsigned> bugcheck_exception_record_parameter(uint32_t code) {
  // SYSTEM_THREAD_EXCEPTION_NOT_HANDLED(_M): 1 code, 2 address, 3 exception record, 4 context record.
  if (code == 0x7E || code == 0x1000007E) return 3;
  return std::nullopt;
}

std::optional<CrashException> crash_exception(const DumpHeader& header, VirtualMemory* vm) {
  std::optional<CrashException> from_header;
  if (auto e = parse_exception(header); e.ok()) from_header = CrashException{std::move(e).value(), "header"};
  if (from_header && from_header->record.code != kStatusBreakpoint) return from_header;

  const auto parameter = bugcheck_exception_record_parameter(header.bugcheck_code);
  if (!vm || !parameter) return from_header;
  const uint64_t va = header.bugcheck_parameters[*parameter - 1];
  if (va == 0) return from_header;
  std::vector<uint8_t> bytes(exception_record_size(header.is64));
  if (!vm->read_virtual_exact(Gva(va), bytes).ok()) return from_header;
  auto record = decode_exception_record(bytes, header.is64);
  if (!record.ok() || record->code == 0 || record->number_parameters > kMaxExceptionParameters) return from_header;
  return CrashException{std::move(record).value(), "bug check " + code_text(header.bugcheck_code) + " parameter " +
                                                       std::to_string(*parameter) + " (exception record)"};
}

}  // namespace kdmp
