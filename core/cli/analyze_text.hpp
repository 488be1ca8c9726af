// kdmp-parser --stack (the call stack as WinDbg's `k` shows it) and --analyze (the answer as `!analyze -v` gives it).
#pragma once
#include "kdmp/analysis.hpp"
#include "kdmp/dump.hpp"

namespace kdmp::cli {

void print_stack(const Analysis& analysis);
void print_analyze(Dump& dump, const Analysis& analysis);

}  // namespace kdmp::cli
