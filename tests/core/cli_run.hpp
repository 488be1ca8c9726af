// Runs the built kdmp-parser (KDMP_CLI_PATH) with a command line, stderr joined to stdout, for the CLI tests.
#pragma once

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

struct CliRun {
  int status;
  std::string out;
};

// `env` goes before the command ("_NT_SYMBOL_PATH=x"); `args` are passed to the shell as written.
inline CliRun run_cli(const std::string& args, const std::string& env = "") {
  const std::string command = env + " " + std::string(KDMP_CLI_PATH) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), out};
}
