#include "kdmp/symbol_table.hpp"

#include <algorithm>


namespace kdmp {

const char* symbol_source_name(SymbolSource source) {
  switch (source) {
    case SymbolSource::Pdb: return "pdb";
    case SymbolSource::Exports: return "exports";
    case SymbolSource::None: break;
  }
  return "none";
}

void SymbolTable::add(uint32_t rva, uint32_t length, std::string_view name) {
  constexpr size_t kMaxName = 4096;  // C++ names get long, but not this long
  if (name.size() > kMaxName) name = name.substr(0, kMaxName);
  entries_.push_back({rva, length, static_cast<uint32_t>(names_.size())});
  const size_t at = names_.size();
  names_.append(name);
  for (size_t i = at; i < names_.size(); ++i) {
    const auto u = static_cast<unsigned char>(names_[i]);
    if (u < 0x20 || u == 0x7f) names_[i] = '?';
  }
  names_.push_back('\0');
}

void SymbolTable::finish(const std::vector<std::pair<uint32_t, uint32_t>>& section_ends) {
  std::sort(entries_.begin(), entries_.end(), [](const SymbolEntry& a, const SymbolEntry& b) {
    if (a.rva != b.rva) return a.rva < b.rva;
    return a.length > b.length;  // a known length first, so it survives the deduplication
  });
  entries_.erase(std::unique(entries_.begin(), entries_.end(),
                             [](const SymbolEntry& a, const SymbolEntry& b) { return a.rva == b.rva; }),
                 entries_.end());
  size_t section = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    SymbolEntry& e = entries_[i];
    if (e.length != 0) continue;
    const bool last = i + 1 == entries_.size();
    uint64_t end = last ? uint64_t{e.rva} + 1 : entries_[i + 1].rva;
    while (section < section_ends.size() && section_ends[section].second <= e.rva) ++section;
    if (section < section_ends.size() && section_ends[section].first <= e.rva) {
      // Up to the next symbol, or to the section's end for the last one.
      end = last ? section_ends[section].second : std::min<uint64_t>(end, section_ends[section].second);
    } else if (!section_ends.empty()) {
      end = uint64_t{e.rva} + 1;  // outside every section: the symbol names its own address only
    }
    e.length = static_cast<uint32_t>(std::max<uint64_t>(end - e.rva, 1));
  }
  entries_.shrink_to_fit();
  names_.shrink_to_fit();
}

std::optional<SymbolHit> SymbolTable::find(uint32_t rva) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), rva,
                             [](uint32_t v, const SymbolEntry& e) { return v < e.rva; });
  if (it == entries_.begin()) return std::nullopt;
  --it;
  if (rva - it->rva >= it->length) return std::nullopt;
  return SymbolHit{name(*it), it->rva, rva - it->rva};
}

std::optional<uint32_t> SymbolTable::rva_of(std::string_view wanted) const {
  for (const SymbolEntry& e : entries_) {
    if (name(e) == wanted) return e.rva;
  }
  return std::nullopt;
}

}  // namespace kdmp
