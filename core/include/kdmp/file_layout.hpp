// The dump file's structures as a list of named byte ranges, for the file view: it highlights each one and says
// what it is ("Run 2: 0x100 pages from PFN 0x1000"). Everything comes from what Dump already indexed; nothing is
// read again.
//
// Regions are sorted by offset, the larger first where two start together, and may nest: the header contains the
// run list. Every region lies inside the file (a truncated file's regions are cut at its end and the ones past it
// left out), and none is empty.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kdmp/dump.hpp"

namespace kdmp {

struct FileRegion {
  // "header", "run-list", "bitmap-header", "bitmap", "rdmp-header", "rdmp-ranges", "page-data", and for triage
  // dumps "triage-header", "triage-mm", "triage-unloaded-drivers", "triage-prcb", "triage-process",
  // "triage-thread", "triage-call-stack", "triage-kdbg", "triage-drivers", "triage-strings", "triage-data-page",
  // "triage-data-blocks" (the descriptors), "triage-data-block" (one block's bytes), "triage-valid",
  // "triage-secondary-data" (the tagged blobs after SizeOfDump).
  std::string kind;
  std::string name;  // what a reader sees: "Page bitmap (69 bits)", "Range 3: 0x4 pages from PFN 0x1000", ...
  uint64_t offset = 0;
  uint64_t size = 0;
  bool operator==(const FileRegion&) const = default;
};

// A dump with thousands of RDMP ranges would drown the view: after this many page-data regions (or triage data
// blocks), one more region covers all the rest ("1234 more ranges").
inline constexpr size_t kMaxListedRegions = 256;

std::vector<FileRegion> file_layout(const Dump& dump);

}  // namespace kdmp
