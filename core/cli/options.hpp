// Command-line options of kdmp-parser, declared with CLI11 (options.cpp): one line per option.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kdmp/native_source.hpp"
#include "kdmp/result.hpp"

namespace kdmp::cli {

inline constexpr const char* kVersion = "0.1.0";

struct Options {
  std::string dump_path;           // the first DUMP_PATH
  std::vector<std::string> paths;  // every DUMP_PATH (several, or folders: --json writes one line per dump)
  std::optional<unsigned> jobs;    // --jobs N: dumps read at a time by --json over several
  bool dump_headers = false;
  bool context_record = false;
  bool exception_record = false;
  bool mem = false;                     // -m/--mem given
  std::optional<uint64_t> mem_address;  // -m ADDR; none = every physical page
  bool virt = false;
  uint64_t len = 128;
  std::optional<uint64_t> dtb;
  FileReaderKind reader = FileReaderKind::Mmap;
  bool modules = false;
  bool processes = false;
  bool layout = false;
  bool stack = false;    // --stack: the call stack, as `k`
  bool analyze = false;  // --analyze: the answer, as `!analyze -v`
  bool json = false;
  // Symbols (issue 12): --symbols PATH, repeatable, searched before _NT_SYMBOL_PATH (see symbol_path.hpp).
  std::vector<std::string> symbol_paths;
  bool help = false;     // -h: print help_text
  bool version = false;  // -V
  std::string help_text;
};

// Parses the words after the program name. Errors (unknown option, bad value, missing DUMP_PATH) say what was wrong.
Result<Options> parse_options(const std::vector<std::string>& args);
Result<Options> parse_options(int argc, char** argv);
// Parses "0x1000", "1000" (hex, as the reference does) or "0n4096" (decimal).
std::optional<uint64_t> parse_number(const std::string& text);

}  // namespace kdmp::cli
