// Unwinding a deep x64 stack through real UNWIND_INFO (the test driver's images, fixtures/unwind_systems.cpp):
// 64 frames (DriverEntry, 62 x StackMiddle, StackLeaf) from the dump's context, every frame named through the
// symbols step's Symbolizer. Target: 1 ms or less.
#include <benchmark/benchmark.h>

#include "dump_writer.hpp"
#include "kdmp/analysis.hpp"
#include "kdmp/call_stack.hpp"
#include "kdmp/code_symbolizer.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/module_unwind_source.hpp"
#include "system_writer.hpp"
#include "unwind_systems.hpp"

namespace {

void BM_Unwind64Frames(benchmark::State& state) {
  const auto sys = kdmp::fixtures::x64_unwind_system(KDMP_STACK_IMAGES_DIR, false, 62);
  static std::vector<uint8_t> bytes;
  bytes = kdmp::fixtures::build_dump(kdmp::fixtures::build_system_dump(sys.spec).dump);
  auto dump = kdmp::Dump::open(std::make_unique<kdmp::MemorySource>(bytes));
  if (!dump.ok()) return state.SkipWithError(dump.error().message.c_str());
  const kdmp::Analysis analysis = kdmp::analyze(*dump);
  auto vm = dump->virtual_memory();
  if (!vm.ok()) return state.SkipWithError(vm.error().message.c_str());
  kdmp::ModuleUnwindSource unwind(vm->get(), analysis.modules.modules, analysis.symbols, nullptr);
  kdmp::SymbolizerNames names(analysis.symbols.symbolizer);
  size_t frames = 0;
  for (auto _ : state) {
    const kdmp::CallStack stack =
        kdmp::walk_call_stack(**vm, *analysis.context, analysis.modules.modules, &unwind, &names);
    frames = stack.frames.size();
    benchmark::DoNotOptimize(stack.frames.data());
  }
  state.counters["frames"] = static_cast<double>(frames);
  if (frames != 64) state.SkipWithError("the stack did not unwind to 64 frames");
}
BENCHMARK(BM_Unwind64Frames)->Unit(benchmark::kMicrosecond);

}  // namespace
