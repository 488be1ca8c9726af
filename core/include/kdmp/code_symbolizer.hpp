// Names for code addresses, the unwinder's and the analysis's view of symbols: "module!function+0xoff" when symbols
// name the function, "module+0xoff" otherwise. The symbols issue's PDB/export tables are adapted to CodeSymbolizer;
// ModuleCodeSymbolizer is the name-less fallback every dump has (its loaded-module list).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kdmp/modules.hpp"

namespace kdmp {

struct CodeSymbol {
  std::string module;     // the debugger's module name: "nt", "amdppm" (file name without extension)
  std::string function;   // empty when only the module is known
  uint64_t offset = 0;    // from the function's start, or from the module's base when function is empty
  uint64_t module_base = 0;
  std::string image_name;  // the module's file name, "amdppm.sys"
};

// "amdppm!Function+0x4c", "amdppm!Function" (offset 0), "amdppm+0x334c".
std::string format_code_symbol(const CodeSymbol& symbol);

class CodeSymbolizer {
 public:
  virtual ~CodeSymbolizer() = default;
  virtual std::optional<CodeSymbol> symbolize(uint64_t address) = 0;
};

// The module name WinDbg uses: the file name without its extension, and "nt" for every kernel image name
// (ntoskrnl.exe, ntkrnlmp.exe, ntkrnlpa.exe, ntkrpamp.exe).
std::string debugger_module_name(std::string_view image_name);

// Module + offset from the loaded-module list: what is known without symbols.
class ModuleCodeSymbolizer final : public CodeSymbolizer {
 public:
  explicit ModuleCodeSymbolizer(const std::vector<Module>& modules) : modules_(modules) {}  // sorted by base
  std::optional<CodeSymbol> symbolize(uint64_t address) override;

 private:
  const std::vector<Module>& modules_;
};

}  // namespace kdmp
