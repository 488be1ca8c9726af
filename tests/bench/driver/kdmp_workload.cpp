// kdmp_workload: one workload of issue 11 per process, with the same command line as the peers' drivers (see
// README, Figures), so that whole-process times (hyperfine) compare like with like:
//   kdmp_workload open|scan|seq|rand DUMP [REGION_VA REGION_SIZE] [--pread]
//   open  open the dump
//   scan  read every physical page (4 KiB reads) and hash it (sum and xor of the u64 words)
//   seq   read 256 MiB of virtual memory from REGION_VA, 4 KiB at a time, and hash it
//   rand  200,000 random 8-byte reads (8-aligned) over [REGION_VA, REGION_VA + REGION_SIZE)
// Prints the count and the hash (equal across drivers for scan and seq), and RssAnon.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "../dense_hash.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/le.hpp"
#include "kdmp/native_source.hpp"

namespace {

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

long rss_anon_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long kib = -1;
  while (status >> key) {
    if (key == "RssAnon:") {
      status >> kib;
      break;
    }
  }
  return kib;
}

int fail(const std::string& why) {
  std::fprintf(stderr, "kdmp_workload: %s\n", why.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return fail("usage: kdmp_workload open|scan|seq|rand DUMP [REGION_VA REGION_SIZE] [--pread]");
  const std::string op = argv[1];
  const bool pread = std::strcmp(argv[argc - 1], "--pread") == 0;
  auto source = kdmp::open_file_source(argv[2], pread ? kdmp::FileReaderKind::File : kdmp::FileReaderKind::Mmap);
  if (!source.ok()) return fail(source.error().message);
  auto opened = kdmp::Dump::open(std::move(source).value());
  if (!opened.ok()) return fail(opened.error().message);
  kdmp::Dump& dump = *opened;
  uint64_t h = 0, n = 0;
  std::vector<uint8_t> page(0x1000);
  // The loop alone (after opening) is timed too, as in the peers' drivers: their open of a dense dump costs most of
  // their whole-process time, so the reads' own throughput is compared loop to loop.
  const auto wall_start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  if (op == "scan") {
    bool ok = true;
    dump.for_each_physical_range([&](const kdmp::PhysicalRange& r) {
      for (uint64_t pfn = r.first_pfn; pfn < r.first_pfn + r.page_count; ++pfn) {
        ok = dump.read_physical_exact(kdmp::Gpa(pfn << 12), page).ok();
        if (!ok) return false;
        h = kdmp::bench::hash_page(page, h);
        ++n;
      }
      return true;
    });
    if (!ok) return fail("a physical page could not be read");
  } else if (op == "seq" || op == "rand") {
    if (argc < 4) return fail(op + " needs REGION_VA");
    const uint64_t va = std::strtoull(argv[3], nullptr, 0);
    auto vm = dump.virtual_memory();
    if (!vm.ok()) return fail(vm.error().message);
    if (op == "seq") {
      for (uint64_t off = 0; off < (uint64_t{256} << 20); off += 0x1000) {
        auto st = (*vm)->read_virtual_exact(kdmp::Gva(va + off), page);
        if (!st.ok()) return fail(st.error().message);
        h = kdmp::bench::hash_page(page, h);
        ++n;
      }
    } else {
      if (argc < 5) return fail("rand needs REGION_SIZE");
      const uint64_t size = std::strtoull(argv[4], nullptr, 0);
      uint64_t s = 11;  // xorshift64, as in the peers' drivers
      const char* passes_env = std::getenv("KDMP_RAND_PASSES");
      const int passes = passes_env ? std::atoi(passes_env) : 1;
      for (int pass = 1; pass < passes; ++pass) {  // earlier passes of the same addresses: mapping populated
        const auto t = std::chrono::steady_clock::now();
        const double c = cpu_seconds();
        uint64_t x = 11, hh = 0;
        for (int i = 0; i < 200000; ++i) {
          x ^= x << 13;
          x ^= x >> 7;
          x ^= x << 17;
          auto v = kdmp::read_pointer(**vm, va + (x % size & ~uint64_t{7}), 8);
          if (v.ok()) hh += *v;
        }
        std::printf("pass %d %llx wall_s %.3f cpu_s %.3f\n", pass, static_cast<unsigned long long>(hh),
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count(), cpu_seconds() - c);
      }
      for (int i = 0; i < 200000; ++i) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        auto v = kdmp::read_pointer(**vm, va + (s % size & ~uint64_t{7}), 8);
        if (!v.ok()) return fail(v.error().message);
        h += *v;
        ++n;
      }
    }
  } else if (op != "open") {
    return fail("unknown workload " + op);
  }
  const double loop_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::printf("%s %llu %llx loop_wall_s %.3f loop_cpu_s %.3f rss_anon_kib %ld\n", op.c_str(),
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(h), loop_wall,
              cpu_seconds() - cpu_start, rss_anon_kib());
  return 0;
}
