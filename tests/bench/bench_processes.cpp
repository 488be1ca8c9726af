// The process list of a big machine. Target: every process of a 64 GiB dump with 1,000 processes in 50 ms or less.
// The dump is a sparse 64 GiB bitmap dump (every page present, the data a hole) holding a whole Windows 10 x64
// system (system_writer.cpp) with 1,007 processes of 4 threads each (the default seven plus 1,000 svchost.exe),
// written once per run to $KDMP_SPARSE_SYSTEM_DUMP or /tmp/kdmpview-sparse-system-64g.dmp.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "kdmp/analysis.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/native_source.hpp"
#include "kdmp/processes.hpp"
#include "system_writer.hpp"

namespace {

constexpr uint64_t kGib = 64;
constexpr size_t kExtraProcesses = 1000, kThreadsPerProcess = 4;

const std::string& system_path() {
  static const std::string path = [] {
    const char* env = std::getenv("KDMP_SPARSE_SYSTEM_DUMP");
    std::string p = env != nullptr && *env != '\0' ? env : "/tmp/kdmpview-sparse-system-64g.dmp";
    using namespace kdmp::fixtures;
    SystemDumpSpec s = default_system(Arch::X64);
    s.processes = default_processes(s, kExtraProcesses, kThreadsPerProcess);
    write_sparse_bitmap_dump(p, kGib, build_system_dump(s).dump);
    return p;
  }();
  return path;
}

kdmp::Dump open_system() {
  auto source = kdmp::open_file_source(system_path(), kdmp::FileReaderKind::Mmap);
  if (!source.ok()) throw std::runtime_error(source.error().message);
  auto dump = kdmp::Dump::open(std::move(source).value());
  if (!dump.ok()) throw std::runtime_error(dump.error().message);
  return std::move(dump).value();
}

void report(benchmark::State& state, const kdmp::ProcessReport& r) {
  size_t threads = 0;
  for (const auto& p : r.processes) threads += p.threads.size();
  state.counters["processes"] = static_cast<double>(r.processes.size());
  state.counters["threads"] = static_cast<double>(threads);
  if (r.processes.size() != 7 + kExtraProcesses) state.SkipWithError("the walk did not read every process");
}

// From a freshly opened dump each time: open, KDBG, crashing thread, discovery check, the walk.
void BM_ProcessList_OpenAndWalk(benchmark::State& state) {
  system_path();
  kdmp::ProcessReport last;
  for (auto _ : state) {
    kdmp::Dump dump = open_system();
    auto vm = dump.virtual_memory();
    if (!vm.ok()) {
      state.SkipWithError(vm.error().message.c_str());
      break;
    }
    auto ctx = kdmp::parse_context(dump.header());
    last = kdmp::load_processes(dump, **vm, ctx.ok() ? &ctx.value() : nullptr);
    benchmark::DoNotOptimize(last.processes.data());
  }
  report(state, last);
}
BENCHMARK(BM_ProcessList_OpenAndWalk)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The same dump kept open (its block cache warm): the cost of the walk itself.
void BM_ProcessList_Walk(benchmark::State& state) {
  kdmp::Dump dump = open_system();
  auto vm = dump.virtual_memory();
  if (!vm.ok()) {
    state.SkipWithError(vm.error().message.c_str());
    return;
  }
  auto ctx = kdmp::parse_context(dump.header());
  kdmp::ProcessReport last;
  for (auto _ : state) {
    last = kdmp::load_processes(dump, **vm, ctx.ok() ? &ctx.value() : nullptr);
    benchmark::DoNotOptimize(last.processes.data());
  }
  report(state, last);
}
BENCHMARK(BM_ProcessList_Walk)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
