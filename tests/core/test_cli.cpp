// The kdmp-parser command line, run as a process on fixture files.
#include <catch2/catch.hpp>

#include "cli_run.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "catalog.hpp"

namespace {

std::string fixture(const std::string& name) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("kdmp-cli-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    for (const auto& f : kdmp::fixtures::all_fixture_files()) kdmp::fixtures::write_file((d / f.name).string(), f.bytes);
    return d;
  }();
  return (dir / name).string();
}

}  // namespace

TEST_CASE("kdmp-parser --dump-headers prints every field", "[cli]") {
  auto r = run_cli("--dump-headers " + fixture("full-two-runs.dmp"));
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("DUMP_HEADER64 {"));
  CHECK_THAT(r.out, Catch::Contains("DirectoryTableBase     0x1aa000"));
  CHECK_THAT(r.out, Catch::Contains("BugCheckCode           0x3b (SYSTEM_SERVICE_EXCEPTION)"));
  CHECK_THAT(r.out, Catch::Contains("DumpType               0x1 (Full)"));
  CHECK_THAT(r.out, Catch::Contains("2024-03-01T12:34:56.789Z"));
}

TEST_CASE("kdmp-parser --mem reads physical memory like the reference", "[cli]") {
  SECTION("every page, --len bytes each") {
    auto r = run_cli("--mem --len 16 " + fixture("full-two-runs.dmp"));
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::StartsWith("0000000000001000: 00 10 00 00 00 00 00 00 08 10 00 00 00 00 00 00 |"));
    CHECK_THAT(r.out, Catch::Contains("0000000000011000: 00 10 01 00"));
  }
  SECTION("at an address, stopping at the first missing page") {
    auto r = run_cli("--mem=0x4ff8 --len 32 " + fixture("full-two-runs.dmp"));
    CHECK(r.status == 0);
    CHECK(r.out == "0000000000004ff8: f8 4f 00 00 00 00 00 00                         |.O......|\n");
  }
  SECTION("a missing address says why") {
    auto r = run_cli("--mem=0x8000 " + fixture("full-two-runs.dmp"));
    CHECK(r.status == 1);
    CHECK_THAT(r.out, Catch::Contains("There is no physical memory available for 0x8000"));
  }
}

// Every spelling clap accepts for the reference's declarations (`-m, --mem [<MEM>]`, `--len`, `-r, --reader`), and
// ours (--dtb), gives the same output as the plain one.
TEST_CASE("kdmp-parser accepts every form of the options, before or after the path", "[cli]") {
  const std::string f = fixture("full-two-runs.dmp");
  SECTION("-m with an address") {
    const std::string expected =
        "0000000000004ff8: f8 4f 00 00 00 00 00 00                         |.O......|\n";
    for (const std::string& args :
         {"-m 0x4ff8 --len 32 " + f, "-m0x4ff8 --len 32 " + f, "-m=0x4ff8 --len=32 " + f,
          "--mem 0x4ff8 --len 32 " + f, "--mem=0x4ff8 --len=32 " + f, f + " -m 0x4ff8 --len 32",
          "--len 32 -m 0x4ff8 -- " + f, "-m 0x4ff8 --len 32 -- " + f, "-m 4ff8 --len 0x20 " + f}) {
      INFO(args);
      const auto r = run_cli(args);
      CHECK(r.status == 0);
      CHECK(r.out == expected);
    }
  }
  SECTION("a bare -m: every page") {
    const std::string expected = run_cli("--mem --len 16 " + f).out;
    CHECK_THAT(expected, Catch::StartsWith("0000000000001000: 00 10 00 00 00 00 00 00 08 10 00 00 00 00 00 00 |"));
    for (const std::string& args : {"-m --len 16 " + f, "--len 16 -m " + f, "--len 16 -m -- " + f,
                                    "--len 16 " + f + " -m", "--len=16 " + f + " --mem", "-m --len=16 -- " + f}) {
      INFO(args);
      const auto r = run_cli(args);
      CHECK(r.status == 0);
      CHECK(r.out == expected);
    }
  }
  SECTION("flags, --, grouped flags and the reader") {
    const std::string f = fixture("sample.dmp");
    const std::string expected = run_cli("-c -e " + f).out;
    CHECK_THAT(expected, Catch::Contains("rip=fffff8031234abcd"));
    CHECK_THAT(expected, Catch::Contains("EXCEPTION_RECORD {"));
    for (const std::string& args : {"-c -e -- " + f, f + " -c -e", "-ce " + f, "--context-record --exception-record " + f,
                                    "-c -e -r file " + f, "-c -e -r=file " + f, "-c -e -rfile " + f,
                                    "-c -e --reader file " + f, "-c -e --reader=mmap " + f, "-ce -- " + f + ""}) {
      INFO(args);
      const auto r = run_cli(args);
      CHECK(r.status == 0);
      CHECK(r.out == expected);
    }
  }
  SECTION("--virt with --dtb X and --dtb=X") {
    const std::string s = fixture("sample.dmp");
    const std::string expected = run_cli("-m 0xfffff80312800000 --virt --len 16 " + s).out;
    CHECK_THAT(expected, Catch::StartsWith("fffff80312800000: 4d 5a"));
    const std::string dtb = run_cli("--dump-headers " + s).out;
    const size_t at = dtb.find("DirectoryTableBase");
    REQUIRE(at != std::string::npos);
    const std::string value = dtb.substr(at + 23, dtb.find('\n', at) - at - 23);
    for (const std::string& args : {"-m 0xfffff80312800000 --virt --len 16 --dtb " + value + " " + s,
                                    "--dtb=" + value + " --virt --mem=fffff80312800000 --len=16 -- " + s}) {
      INFO(args);
      const auto r = run_cli(args);
      CHECK(r.status == 0);
      CHECK(r.out == expected);
    }
  }
  SECTION("what is refused") {
    CHECK_THAT(run_cli("-m 0x4ff8").out, Catch::Contains("0x4ff8"));  // the only word left is the path: -m is bare
    CHECK(run_cli("-m zz " + f).status == 2);                       // not a number
    CHECK(run_cli("-r disk " + f).status == 2);                     // not a reader
    CHECK(run_cli("--len 0 " + f).status == 2);
    CHECK(run_cli("--dtb " + f).status == 2);                       // --dtb needs its value
    CHECK(run_cli(f + " " + f).status == 2);                        // one path
    CHECK(run_cli("--symbols= " + f).status == 2);                  // an empty symbol path
    CHECK(run_cli("--symbols " + f).status == 2);                   // --symbols takes the only word: no path left
    CHECK_THAT(run_cli("--bogus " + f).out, Catch::Contains("--bogus"));
  }
}

TEST_CASE("kdmp-parser --layout prints the file's structures, one a line", "[cli]") {
  auto r = run_cli("--layout " + fixture("bitmap-partial-byte.dmp"));
  CHECK(r.status == 0);
  CHECK(r.out ==
        "0000000000000000-0000000000002000  header                   Dump header (PAGEDU64)\n"
        "0000000000002000-0000000000002038  bitmap-header            Bitmap summary header\n"
        "0000000000002038-0000000000002041  bitmap                   Page bitmap (69 bits)\n"
        "0000000000003000-0000000000009000  page-data                Page data: 0x6 pages\n");
  CHECK_THAT(run_cli("-h").out, Catch::Contains("--layout"));
}

TEST_CASE("kdmp-parser --processes prints the crashing thread, the processes and where offsets came from",
          "[cli][processes]") {
  auto r = run_cli("--processes " + fixture("sample.dmp"));
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::StartsWith("crashing: app.exe pid 6700 (EPROCESS ffffc50a20008000), thread 12052 (ETHREAD "
                                      "ffffc50a1b2c3080), cpu 2, irql 2\n"));
  CHECK_THAT(r.out, Catch::Contains("  6700   8000 ffffc50a20008000 dtb 0000000000100000 threads   3 app.exe         "
                                    "\\Device\\HarddiskVolume3\\Program Files\\App\\app.exe\n"));
  CHECK_THAT(r.out, Catch::Contains("         thread  12052 ffffc50a1b2c3080 running    start 00007ffd5ea0b650\n"));
  CHECK_THAT(r.out, Catch::Contains("         module 00007ffd5e9b0000   1f8000 user   C:\\Windows\\SYSTEM32\\ntdll.dll\n"));
  CHECK_THAT(r.out, Catch::Contains("offset EPROCESS.ActiveProcessLinks               0x448 table\n"));
  CHECK_THAT(r.out, Catch::Contains("offset KTHREAD.ApcState.Process                   0xb8 kdbg\n"));
  CHECK_THAT(run_cli("-h").out, Catch::Contains("--processes"));
}

TEST_CASE("kdmp-parser --stack and --analyze walk from the faulting context the bug check names", "[cli][stack]") {
  auto r = run_cli("--stack " + fixture("system-x64-fault-context.dmp"));
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::StartsWith("Fault context (bug check 0x1000007E parameter 4 (context record)):\n"));
  CHECK_THAT(r.out, Catch::Contains("00 ffffd001`2345e8c0 fffff803`12a00003 baddrv+0xabcd\n"));
  CHECK_THAT(r.out, Catch::Contains("Dump context (the crashing CPU at the bug check):\n"));
  CHECK_THAT(r.out, Catch::Contains("00 ffffd001`2345e0c0 fffff803`12c0f4e1 nt+0x3f9c40\n"));
  auto a = run_cli("--analyze " + fixture("system-x64-fault-context.dmp"));
  CHECK(a.status == 0);
  CHECK_THAT(a.out, Catch::Contains("CONTEXT:  bug check 0x1000007E parameter 4 (context record)\n"));
  CHECK_THAT(a.out, Catch::Contains("SYMBOL_NAME:  baddrv+0xabcd\n"));
  CHECK_THAT(a.out, Catch::Contains("FAILURE_BUCKET_ID:  AV_baddrv!unknown_function\n"));
  const std::string help = run_cli("-h").out;
  CHECK_THAT(help, Catch::Contains("--stack"));
  CHECK_THAT(help, Catch::Contains("--analyze"));
}

TEST_CASE("kdmp-parser errors", "[cli]") {
  CHECK(run_cli("--bogus x").status == 2);
  CHECK(run_cli("").status == 2);
  auto r = run_cli(fixture("user-minidump.dmp"));
  CHECK(r.status == 1);
  CHECK_THAT(r.out, Catch::Contains("user-mode minidump"));
  CHECK_THAT(run_cli("-V").out, Catch::StartsWith("kdmp-parser 0.1.0"));
}

TEST_CASE("kdmp-parser --json over folders and many paths writes one line per dump, in parallel", "[cli]") {
  namespace fs = std::filesystem;
  // A folder with a dump, and a subfolder with a triage dump and a file that is no dump; a dump named on its own.
  const fs::path dir = fs::path(fixture("sample.dmp")).parent_path() / "fleet";
  fs::create_directories(dir / "sub");
  fs::copy_file(fixture("sample.dmp"), dir / "a.dmp", fs::copy_options::overwrite_existing);
  fs::copy_file(fixture("triage64.dmp"), dir / "sub" / "b.dmp", fs::copy_options::overwrite_existing);
  fs::copy_file(fixture("not-a-dump.bin"), dir / "sub" / "c.bin", fs::copy_options::overwrite_existing);
  auto r = run_cli("--json --jobs 3 " + dir.string() + " " + fixture("system-x86.dmp") + " " + (dir / "missing.dmp").string());
  CHECK(r.status == 1);  // some files could not be read; their errors are lines too
  std::vector<std::string> lines;
  for (size_t at = 0, end; (end = r.out.find('\n', at)) != std::string::npos; at = end + 1) lines.push_back(r.out.substr(at, end - at));
  REQUIRE(lines.size() == 5);
  auto line_of = [&](const std::string& file) {
    const std::string key = "\"file\":\"" + file + "\"";
    for (const auto& l : lines) if (l.find(key) != std::string::npos) return l;
    return std::string();
  };
  const auto a = line_of((dir / "a.dmp").string());
  CHECK_THAT(a, Catch::StartsWith("{\"tool\":"));
  CHECK_THAT(a, Catch::Contains("\"culprit\":{\"module\":\"baddrv.sys\""));
  CHECK_THAT(line_of((dir / "sub" / "b.dmp").string()), Catch::Contains("\"triage\":{"));
  CHECK_THAT(line_of(fixture("system-x86.dmp")), Catch::Contains("\"bugcheck\":{"));
  CHECK_THAT(line_of((dir / "sub" / "c.bin").string()), Catch::Contains("\"error\":{\"code\":\"not-a-dump\""));
  CHECK_THAT(line_of((dir / "missing.dmp").string()), Catch::Contains("\"error\":{\"code\":"));
  for (const auto& l : lines) {
    CHECK_THAT(l, Catch::StartsWith("{"));
    CHECK_THAT(l, Catch::EndsWith("}"));
  }
  // One file as before: one pretty document.
  CHECK_THAT(run_cli("--json " + fixture("sample.dmp")).out, Catch::StartsWith("{\n"));
  CHECK(run_cli("--json --jobs 0 " + fixture("sample.dmp")).status == 2);
}
