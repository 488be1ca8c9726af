#include "kdmp/crash_answer.hpp"

#include <array>
#include <cstdio>

#include "kdmp/virtual_memory.hpp"

namespace kdmp {

namespace {

constexpr uint32_t kAccessViolation = 0xc0000005;

std::string code_text(uint32_t code) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%X", code);
  return buf;
}

}  // namespace

bool is_access_violation(uint32_t code, const ExceptionRecord* exception) {
  if (code == 0xA || code == 0xD1 || code == 0x50) return true;
  const bool exception_check = code == 0x7E || code == 0x1000007E || code == 0x8E || code == 0x1000008E ||
                               code == 0x3B;
  return exception_check && exception != nullptr && exception->code == kAccessViolation;
}

std::string failure_bucket(uint32_t code, const ExceptionRecord* exception, const std::optional<CodeSymbol>& symbol) {
  if (is_manual_crash(code)) return code_text(code) + "_MANUALLY_INITIATED_CRASH";
  const std::string prefix = is_access_violation(code, exception) ? "AV" : code_text(code);
  if (!symbol) return prefix + "_UNKNOWN_MODULE";
  return prefix + "_" + symbol->module + "!" + (symbol->function.empty() ? "unknown_function" : symbol->function);
}

std::optional<CodeWindow> read_code_window(VirtualMemory& vm, uint64_t address, size_t before, size_t after) {
  auto readable = [&](uint64_t va) {
    std::array<uint8_t, 1> b{};
    return vm.read_virtual_exact(Gva(va), b).ok();
  };
  if (!readable(address)) return std::nullopt;
  // Pages are all or nothing: find the extent with a few reads instead of one per byte.
  size_t lo = 0;
  while (lo < before && address > lo && readable(address - lo - 1)) ++lo;
  size_t hi = 1;
  while (hi < after && readable(address + hi)) ++hi;
  CodeWindow w;
  w.address = address - lo;
  w.instruction = address;
  w.bytes.resize(lo + hi);
  if (!vm.read_virtual_exact(Gva(w.address), w.bytes).ok()) return std::nullopt;
  return w;
}

CrashAnswer crash_answer(uint32_t code, const ExceptionRecord* exception, const Culprit& culprit,
                         CodeSymbolizer& symbols, VirtualMemory* vm, const std::vector<Module>& modules,
                         const ModuleSymbols& images) {
  CrashAnswer a;
  std::optional<CodeSymbol> symbol;
  if (culprit.module) {
    a.faulting_ip = culprit.address;
    symbol = symbols.symbolize(culprit.address);
    a.image_name = culprit.module->name;
    a.image_timestamp = culprit.module->timestamp;
    for (size_t index = 0; index < modules.size() && index < images.images.size(); ++index) {
      if (modules[index].base != culprit.module->base) continue;
      if (images.images[index].image) {
        const PeImage& pe = *images.images[index].image;
        a.timestamp_is_hash = pe.time_date_stamp_is_hash;
        if (pe.version) a.image_version = pe.version->file_version;
        if (a.image_timestamp == 0) a.image_timestamp = pe.time_date_stamp;
      }
    }
  }
  if (symbol) {
    a.symbol_name = format_code_symbol(*symbol);
    a.module_name = symbol->module;
  }
  a.failure_bucket = failure_bucket(code, exception, symbol);
  if (vm != nullptr && a.faulting_ip != 0) a.code = read_code_window(*vm, a.faulting_ip);
  return a;
}

}  // namespace kdmp
