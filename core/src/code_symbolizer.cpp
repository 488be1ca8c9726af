#include "kdmp/code_symbolizer.hpp"

#include <algorithm>
#include <cctype>

namespace kdmp {

std::string format_code_symbol(const CodeSymbol& symbol) {
  std::string out = symbol.module;
  if (!symbol.function.empty()) {
    out += "!" + symbol.function;
    if (symbol.offset != 0) out += "+" + hex(symbol.offset);
  } else {
    out += "+" + hex(symbol.offset);
  }
  return out;
}

std::string debugger_module_name(std::string_view image_name) {
  std::string name(path_file_name(image_name));
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* kernel : {"ntoskrnl.exe", "ntkrnlmp.exe", "ntkrnlpa.exe", "ntkrpamp.exe"}) {
    if (lower == kernel) return "nt";
  }
  const size_t dot = name.rfind('.');
  if (dot != std::string::npos && dot != 0) name.resize(dot);
  return name;
}

std::optional<CodeSymbol> ModuleCodeSymbolizer::symbolize(uint64_t address) {
  const Module* m = find_module(modules_, address);
  if (m == nullptr) return std::nullopt;
  CodeSymbol s;
  s.module = debugger_module_name(m->name);
  s.offset = address - m->base;
  s.module_base = m->base;
  s.image_name = m->name;
  return s;
}

}  // namespace kdmp
