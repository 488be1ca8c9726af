// The symbols of one image as a compact index: a sorted vector of (rva, length, name offset) and one pool of
// names. Built from a PDB (procedures with their lengths, publics) or from an image's exports (WinDbg's "export
// symbols"); asked "which function holds this RVA" (binary search) and "where is this name".
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kdmp {

enum class SymbolSource { None, Pdb, Exports };
const char* symbol_source_name(SymbolSource source);  // "none", "pdb", "exports"

struct SymbolEntry {
  uint32_t rva = 0;
  uint32_t length = 0;  // bytes the symbol covers (procedures: their code size; publics: up to the next symbol)
  uint32_t name = 0;    // offset of the NUL-terminated name in the pool
};

struct SymbolHit {
  std::string_view name;
  uint32_t rva = 0;     // the symbol's start
  uint32_t offset = 0;  // the asked RVA minus rva
};

class SymbolTable {
 public:
  // Adds a symbol (in any order); `length` 0 means "unknown": finish() extends it up to the next symbol, within
  // its section when section ends are given.
  void add(uint32_t rva, uint32_t length, std::string_view name);
  // Sorts, drops duplicates (one name per RVA: a symbol with a length wins over one without), and fills unknown
  // lengths. `section_ends`: sorted pairs (start, end) of the image's sections; may be empty.
  void finish(const std::vector<std::pair<uint32_t, uint32_t>>& section_ends = {});

  // The symbol whose range holds rva.
  std::optional<SymbolHit> find(uint32_t rva) const;
  // The first symbol named exactly `name` (a linear scan: it answers go-to, not a hot loop).
  std::optional<uint32_t> rva_of(std::string_view name) const;

  size_t size() const { return entries_.size(); }
  const std::vector<SymbolEntry>& entries() const { return entries_; }
  std::string_view name(const SymbolEntry& e) const { return std::string_view(names_.data() + e.name); }
  size_t memory_bytes() const { return entries_.capacity() * sizeof(SymbolEntry) + names_.capacity(); }

 private:
  std::vector<SymbolEntry> entries_;
  std::string names_;
};

}  // namespace kdmp
