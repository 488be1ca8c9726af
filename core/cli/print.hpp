// The text output of kdmp-parser's commands.
#pragma once
#include "kdmp/module_symbols.hpp"
#include "kdmp/dump.hpp"
#include "options.hpp"

namespace kdmp::cli {

// Runs the commands the options ask for, in the reference's order; returns the process exit code.
// `symbols` (may be null) names modules' PDBs and symbol sources in --modules.
int run_text_commands(Dump& dump, const Options& options, SymbolProvider* symbols = nullptr);
void print_headers(const Dump& dump);

}  // namespace kdmp::cli
