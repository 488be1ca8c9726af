// The summary: one JSON document shared by every layer (CLI --json, the wasm binding, the web export).
// The schema is documented in README.md.
#pragma once
#include <string>

#include "kdmp/analysis.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/module_symbols.hpp"

namespace kdmp {

struct SummaryOptions {
  bool pretty = false;
  std::string file_name;  // shown as "file" when not empty
  SymbolProvider* symbols = nullptr;  // PDBs and image files for the names; none: exports of in-dump images only
};

std::string summary_json(Dump& dump, const SummaryOptions& options = {});

}  // namespace kdmp
