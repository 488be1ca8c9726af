// The text output of kdmp-parser's commands.
#pragma once
#include "kdmp/dump.hpp"
#include "options.hpp"

namespace kdmp::cli {

// Runs the commands the options ask for, in the reference's order; returns the process exit code.
int run_text_commands(Dump& dump, const Options& options);
void print_headers(const Dump& dump);

}  // namespace kdmp::cli
