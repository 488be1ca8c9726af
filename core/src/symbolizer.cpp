#include "kdmp/symbolizer.hpp"

#include <algorithm>
#include <cctype>

#include "kdmp/culprit.hpp"

namespace kdmp {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "0x10", "10" (hex, as WinDbg reads it) or "0n16".
std::optional<uint64_t> parse_offset(std::string_view s) {
  s = trim(s);
  int base = 16;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'n' || s[1] == 'N')) {
    s.remove_prefix(2);
    base = 10;
  }
  if (s.empty() || s.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                  : std::isxdigit(static_cast<unsigned char>(c))
                      ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                      : -1;
    if (d < 0 || d >= base) return std::nullopt;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  return v;
}

}  // namespace

std::string module_symbol_name(std::string_view module_name) {
  const std::string file = path_file_name(module_name);
  if (is_kernel_image(file) && !iequals(file.substr(0, 3), "hal")) return "nt";
  const auto dot = file.rfind('.');
  return dot == std::string::npos || dot == 0 ? file : file.substr(0, dot);
}

std::string SymbolName::text() const {
  std::string s = module;
  if (!function.empty()) s += "!" + function;
  if (offset != 0 || function.empty()) s += "+" + hex(offset);
  return s;
}

void Symbolizer::add(const Module& module, SymbolSource source, SymbolTable table) {
  Entry e;
  e.base = module.base;
  e.size = module.size;
  e.name = module_symbol_name(module.name);
  e.file_name = module.name;
  e.source = source;
  e.table = std::move(table);
  const auto at = std::upper_bound(modules_.begin(), modules_.end(), e.base,
                                   [](uint64_t b, const Entry& m) { return b < m.base; });
  modules_.insert(at, std::move(e));
}

const Symbolizer::Entry* Symbolizer::module_at(uint64_t address) const {
  auto it = std::upper_bound(modules_.begin(), modules_.end(), address,
                             [](uint64_t a, const Entry& m) { return a < m.base; });
  if (it == modules_.begin()) return nullptr;
  --it;
  return address - it->base < it->size ? &*it : nullptr;
}

std::optional<SymbolName> Symbolizer::symbolize(uint64_t address) const {
  const Entry* m = module_at(address);
  if (!m) return std::nullopt;
  SymbolName n;
  n.module = m->name;
  const uint64_t rva = address - m->base;
  if (rva <= 0xffffffffu) {
    if (auto hit = m->table.find(static_cast<uint32_t>(rva))) {
      n.function = std::string(hit->name);
      n.offset = hit->offset;
      n.source = m->source;
      return n;
    }
  }
  n.offset = rva;
  return n;
}

std::optional<uint64_t> Symbolizer::resolve(std::string_view expression) const {
  std::string_view s = trim(expression);
  uint64_t offset = 0;
  if (const auto plus = s.rfind('+'); plus != std::string_view::npos) {
    auto o = parse_offset(s.substr(plus + 1));
    if (!o) return std::nullopt;
    offset = *o;
    s = trim(s.substr(0, plus));
  }
  const auto bang = s.find('!');
  const std::string_view module = trim(s.substr(0, bang));
  for (const Entry& m : modules_) {
    if (!iequals(module, m.name) && !iequals(module, m.file_name)) continue;
    if (bang == std::string_view::npos) return m.base + offset;
    auto rva = m.table.rva_of(trim(s.substr(bang + 1)));
    if (!rva) return std::nullopt;
    return m.base + *rva + offset;
  }
  return std::nullopt;
}

}  // namespace kdmp
