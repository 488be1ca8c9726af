// kdmp-parser --json over many dumps: the files named and the files under the folders named, read by `jobs`
// threads (each holds one dump at a time), one line per file on the output (NDJSON): the summary with "file", or
// {"file": ..., "error": {"code": ..., "message": ...}} for a file that cannot be read.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "kdmp/module_symbols.hpp"
#include "kdmp/native_source.hpp"

namespace kdmp::cli {

// The files to read: a file as given, a folder walked recursively in name order (regular files only; links to
// folders are not followed). A path that does not exist is kept: reading it gives its error line.
std::vector<std::string> collect_dump_paths(const std::vector<std::string>& paths);

// One NDJSON line for a file (no newline), and whether the file could be read.
struct BatchLine {
  std::string json;
  bool ok = false;
};
// `symbols`: PDBs and images for the names (may be null); used by one thread at a time.
BatchLine summary_line(const std::string& path, FileReaderKind reader, SymbolProvider* symbols);

// Writes the lines of every file to `out` as each finishes, with `jobs` threads (at least 1, at most one per file).
// Returns the number of files that could not be read.
size_t run_batch(const std::vector<std::string>& files, unsigned jobs, FileReaderKind reader, SymbolProvider* symbols,
                 std::FILE* out);

}  // namespace kdmp::cli
