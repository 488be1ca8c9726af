// The summary: one JSON document shared by every layer (CLI --json, the wasm binding, the web export).
// The schema is documented in README.md.
#pragma once
#include <string>

#include "kdmp/analysis.hpp"
#include "kdmp/dump.hpp"

namespace kdmp {

struct SummaryOptions {
  bool pretty = false;
  std::string file_name;  // shown as "file" when not empty
  AnalyzeOptions analyze;  // symbols and image files for the call stacks and the answer
};

std::string summary_json(Dump& dump, const SummaryOptions& options = {});

}  // namespace kdmp
