// kdmp-parser: the command-line face of the core. Same options as the parser example of kdmp-parser-rs,
// plus --json (the summary schema shared with the wasm binding and the web export).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kdmp/dump.hpp"
#include "kdmp/native_source.hpp"
#include "kdmp/summary.hpp"
#include "options.hpp"
#include "print.hpp"
#include "symbol_path.hpp"

int main(int argc, char** argv) {
  auto parsed = kdmp::cli::parse_options(argc, argv);
  if (!parsed.ok()) {
    std::fprintf(stderr, "kdmp-parser: %s\nRun with --help for more information.\n", parsed.error().message.c_str());
    return 2;
  }
  const kdmp::cli::Options& opt = *parsed;
  if (opt.help) {
    std::fputs(opt.help_text.c_str(), stdout);
    return 0;
  }
  if (opt.version) {
    std::printf("kdmp-parser %s\n", kdmp::cli::kVersion);
    return 0;
  }

  auto source = kdmp::open_file_source(opt.dump_path, opt.reader);
  if (!source.ok()) {
    std::fprintf(stderr, "kdmp-parser: %s\n", source.error().message.c_str());
    return 1;
  }
  auto dump = kdmp::Dump::open(std::move(source).value());
  if (!dump.ok()) {
    std::fprintf(stderr, "kdmp-parser: %s: %s (%s)\n", opt.dump_path.c_str(), dump.error().message.c_str(),
                 kdmp::error_code_name(dump.error().code));
    return 1;
  }
  // --symbols entries first, then _NT_SYMBOL_PATH, as debuggers search them.
  kdmp::cli::SymbolPath symbols;
  for (const std::string& p : opt.symbol_paths) symbols.append(kdmp::cli::SymbolPath::parse(p));
  if (const char* env = std::getenv("_NT_SYMBOL_PATH"); env && *env) symbols.append(kdmp::cli::SymbolPath::parse(env));
  kdmp::SymbolProvider* provider = symbols.empty() ? nullptr : &symbols;
  int status = 0;
  if (opt.json) {
    kdmp::SummaryOptions so;
    so.pretty = true;
    so.symbols = provider;
    std::printf("%s\n", kdmp::summary_json(*dump, so).c_str());
  } else {
    status = kdmp::cli::run_text_commands(*dump, opt, provider);
  }
  for (const kdmp::Warning& w : symbols.warnings()) {
    std::fprintf(stderr, "kdmp-parser: warning: %s: %s\n", w.code.c_str(), w.message.c_str());
  }
  return status;
}
