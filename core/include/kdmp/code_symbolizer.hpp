// Names for code addresses, the unwinder's and the analysis's view of symbols: "module!function+0xoff" when symbols
// name the function, "module+0xoff" otherwise. SymbolizerNames adapts the symbols step's Symbolizer (PDBs, exports);
// ModuleCodeSymbolizer is the name-less fallback every dump has (its loaded-module list). Module names are WinDbg's
// (module_symbol_name: "nt" for the kernel, the file name without its extension otherwise).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kdmp/modules.hpp"
#include "kdmp/symbolizer.hpp"

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

// The symbols step's Symbolizer (PDB, exports, or module+offset per module) seen as a CodeSymbolizer.
class SymbolizerNames final : public CodeSymbolizer {
 public:
  explicit SymbolizerNames(const Symbolizer& symbolizer) : symbolizer_(symbolizer) {}
  std::optional<CodeSymbol> symbolize(uint64_t address) override;

 private:
  const Symbolizer& symbolizer_;
};

// Module + offset from the loaded-module list: what is known without symbols.
class ModuleCodeSymbolizer final : public CodeSymbolizer {
 public:
  explicit ModuleCodeSymbolizer(const std::vector<Module>& modules) : modules_(modules) {}  // sorted by base
  std::optional<CodeSymbol> symbolize(uint64_t address) override;

 private:
  const std::vector<Module>& modules_;
};

}  // namespace kdmp
