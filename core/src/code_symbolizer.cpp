#include "kdmp/code_symbolizer.hpp"


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

std::optional<CodeSymbol> ModuleCodeSymbolizer::symbolize(uint64_t address) {
  const Module* m = find_module(modules_, address);
  if (m == nullptr) return std::nullopt;
  CodeSymbol s;
  s.module = module_symbol_name(m->name);
  s.offset = address - m->base;
  s.module_base = m->base;
  s.image_name = m->name;
  return s;
}

std::optional<CodeSymbol> SymbolizerNames::symbolize(uint64_t address) {
  auto name = symbolizer_.symbolize(address);
  if (!name) return std::nullopt;
  CodeSymbol s;
  s.module = name->module;
  s.function = name->function;
  s.offset = name->offset;
  if (const Symbolizer::Entry* m = symbolizer_.module_at(address)) {
    s.module_base = m->base;
    s.image_name = m->file_name;
  }
  return s;
}

}  // namespace kdmp
