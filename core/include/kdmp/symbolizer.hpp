// Names for addresses across all loaded modules, WinDbg style: "symdrv!SymFaultingFunction+0x4c", "nt!KeBugCheckEx",
// or "symdrv+0x1234" inside a module without a symbol there. And the way back, for go-to: "nt!KeBugCheckEx",
// "symdrv!SymFaultingFunction+0x10", "symdrv+0x20" -> an address.
//
// An unwinder (or anything else that walks code) asks symbolize() for a frame's name and module_at() for the module
// and its table; the tables are the ones load_symbols (module_symbols.hpp) built.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kdmp/modules.hpp"
#include "kdmp/symbol_table.hpp"

namespace kdmp {

// The name WinDbg gives a module in symbols: "nt" for the kernel image (ntoskrnl.exe and its variants), otherwise
// the file name without its extension ("symdrv.sys" -> "symdrv", "hal.dll" -> "hal").
std::string module_symbol_name(std::string_view module_name);

struct SymbolName {
  std::string module;    // "symdrv"
  std::string function;  // empty: no symbol covers the address (the text is module+offset)
  uint64_t offset = 0;   // from the function, or from the module's base when there is no function
  SymbolSource source = SymbolSource::None;
  std::string text() const;  // "symdrv!SymFaultingFunction+0x4c", "nt!KeBugCheckEx", "symdrv+0x1234"
};

class Symbolizer {
 public:
  // Adds a module with its symbols (an empty table with SymbolSource::None for a module without any).
  void add(const Module& module, SymbolSource source, SymbolTable table);

  // The name of the address, or none when no module holds it.
  std::optional<SymbolName> symbolize(uint64_t address) const;
  // "module!function", "module!function+0xOFF", "module+0xOFF" (module by symbol name or file name,
  // case-insensitive) -> address; none when the module or the function is not known.
  std::optional<uint64_t> resolve(std::string_view expression) const;

  struct Entry {
    uint64_t base = 0, size = 0;
    std::string name;       // symbol name of the module ("nt")
    std::string file_name;  // "ntoskrnl.exe"
    SymbolSource source = SymbolSource::None;
    SymbolTable table;
  };
  // The module holding address, or nullptr.
  const Entry* module_at(uint64_t address) const;
  const std::vector<Entry>& modules() const { return modules_; }

 private:
  std::vector<Entry> modules_;  // sorted by base
};

}  // namespace kdmp
