// The symbol path of kdmp-parser (--symbols PATH, then _NT_SYMBOL_PATH): ';'-separated entries, each
//   DIR                 a folder: the symbol-store layout (name.pdb/GUIDAGE/name.pdb, name.sys/TIMESTAMPSIZE/name.sys)
//                       or the file itself (flat; a flat PDB of another build is refused by its GUID/age)
//   srv*CACHE*URL       a symbol server: CACHE is searched first, then URL/name/KEY/name is downloaded into CACHE in
//                       the same layout (libcurl); an HTTP or network error is a warning, never fatal
//   srv*URL             the same with the cache in $XDG_CACHE_HOME/kdmpview/symbols (or ~/.cache/...)
// Native only (files, libcurl): the core sees a SymbolProvider.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kdmp/module_symbols.hpp"
#include "kdmp/warning.hpp"

namespace kdmp::cli {

class SymbolPath final : public SymbolProvider {
 public:
  struct Entry {
    std::string folder;  // a folder, or the server's cache
    std::string url;     // empty: a folder
  };
  // Parses a symbol path; unknown forms ("cache*", "symsrv*dll*...") are skipped with a warning.
  static SymbolPath parse(std::string_view path);
  void append(const SymbolPath& other);

  const std::vector<Entry>& entries() const { return entries_; }
  // Downloads that failed, entries that were skipped.
  const std::vector<Warning>& warnings() const { return warnings_; }
  bool empty() const { return entries_.empty(); }

  std::unique_ptr<ByteSource> find_pdb(const CodeViewPdb& id) override;
  std::unique_ptr<ByteSource> find_image(std::string_view file_name, uint32_t time_date_stamp,
                                         uint32_t size_of_image) override;

 private:
  std::unique_ptr<ByteSource> find(const std::string& name, const std::string& key);
  std::vector<Entry> entries_;
  std::vector<Warning> warnings_;
};

}  // namespace kdmp::cli
