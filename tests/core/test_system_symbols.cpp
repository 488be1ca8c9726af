// Real driver images (tests/images: clang-cl + lld-link, x64 and ARM64) mapped into full, kernel and triage fixture
// dumps, crashed inside a known function: the names come out of the PDB (procedures, statics included), out of the
// exports when there is no PDB, and stay module+offset (with the RSDS identity) when neither names the address.
#include <catch2/catch.hpp>

#include "cli_run.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "catalog.hpp"
#include "image_mapping.hpp"
#include "kdmp/summary.hpp"
#include "symbol_system.hpp"
#include "system_writer.hpp"
#include "test_images_helpers.hpp"
#include "test_system_helpers.hpp"
#include "triage_writer.hpp"

using namespace kdmp;
using namespace kdmp::fixtures;
using namespace kdmp::testing;

namespace {

constexpr uint64_t kSymBase64 = kSymdrvBase;
constexpr uint32_t kFaultOffset = kSymdrvFaultOffset;

struct DriverFiles {
  std::string sys, pdb;
  std::vector<uint8_t> image;
  MappedImage mapped;
  PdbUtilView view;  // llvm-pdbutil's reading: the expected names and RVAs
  uint32_t rva(const std::string& name) const {
    for (const auto& p : view.procedures) {
      if (p.name == name) return p.rva;
    }
    FAIL("no procedure " << name);
    return 0;
  }
};

DriverFiles driver(const std::string& sys, const std::string& pdb) {
  DriverFiles d{sys, pdb, image_file(sys), {}, pdbutil_view(image_path(pdb))};
  d.mapped = map_image(d.image);
  return d;
}

SystemDumpSpec symbol_system(Arch arch, const DriverFiles& d, Layout layout) {
  return fixtures::symbol_system(arch, d.image, {d.rva("SymFaultingFunction"), d.rva("SymExportedEntry"),
                                                 d.rva("SymHelperStatic")},
                                 layout);
}

const StackEntry* entry_at(const StackScan& scan, uint64_t value) {
  for (const StackEntry& e : scan.entries) {
    if (e.value == value) return &e;
  }
  return nullptr;
}

size_t module_index(const Analysis& a, const std::string& name) {
  for (size_t i = 0; i < a.modules.modules.size(); ++i) {
    if (a.modules.modules[i].name == name) return i;
  }
  FAIL("no module " << name);
  return 0;
}

}  // namespace

TEST_CASE("symbols in full and kernel dumps: PDB names, statics, the module table", "[system][symbols]") {
  struct Case {
    Arch arch;
    const char* sys;
    const char* pdb;
  };
  for (const Case& c : {Case{Arch::X64, "symdrv.sys", "symdrv.pdb"}, Case{Arch::Arm64, "symdrva.sys", "symdrva.pdb"}}) {
    for (Layout layout : {Layout::Full, Layout::KernelMemory}) {
      INFO(c.sys << " layout " << static_cast<int>(layout));
      const DriverFiles d = driver(c.sys, c.pdb);
      const SystemDumpSpec spec = symbol_system(c.arch, d, layout);
      auto dump = open_bytes(build_dump(build_system_dump(spec).dump));
      REQUIRE(dump.ok());

      SymbolFileSet set;
      REQUIRE(set.add("downloaded.pdb", image_source(c.pdb)).ok());
      AnalysisOptions options;
      options.symbols = &set;
      const Analysis a = analyze(*dump, options);
      CHECK(set.files()[0].used);

      REQUIRE(a.culprit.module);
      CHECK(a.culprit.module->name == "symdrv.sys");
      const Symbolizer& sym = a.symbols.symbolizer;
      auto culprit = sym.symbolize(a.culprit.address);
      REQUIRE(culprit);
      CHECK(culprit->text() == "symdrv!SymFaultingFunction+0x10");
      CHECK(culprit->source == SymbolSource::Pdb);

      const uint64_t ret1 = kSymBase64 + d.rva("SymExportedEntry") + 0x10;
      const uint64_t ret2 = kSymBase64 + d.rva("SymHelperStatic") + 0x20;
      REQUIRE(entry_at(a.stack, ret1));
      REQUIRE(entry_at(a.stack, ret2));
      CHECK(sym.symbolize(ret1)->text() == "symdrv!SymExportedEntry+0x10");
      CHECK(sym.symbolize(ret2)->text() == "symdrv!SymHelperStatic+0x20");  // a static: only the PDB knows it
      // Go-to.
      CHECK(sym.resolve("symdrv!SymFaultingFunction+0x10") == a.culprit.address);
      CHECK(sym.resolve("SYMDRV!SymHelperStatic") == kSymBase64 + d.rva("SymHelperStatic"));
      CHECK(sym.resolve("symdrv.sys+0x20") == kSymBase64 + 0x20);
      CHECK_FALSE(sym.resolve("symdrv!NoSuchFunction"));
      CHECK_FALSE(sym.resolve("nosuchmodule!X"));
      // The kernel's minimal fixture header: present, no PDB, no exports.
      CHECK(sym.symbolize(spec.kernel_modules.front().base + 0x1234)->text() == "nt+0x1234");

      const ModuleImage& mi = a.symbols.images[module_index(a, "symdrv.sys")];
      CHECK(mi.header_present);
      CHECK(mi.symbols == SymbolSource::Pdb);
      REQUIRE(mi.image);
      CHECK(mi.image->time_date_stamp_is_hash == (c.arch == Arch::X64));
      REQUIRE(mi.image->version);
      CHECK(mi.image->version->company_name == "kdmpview test vendor");
      CHECK(mi.image->runtime_functions.size() >= 4);
      const ModuleImage& nt = a.symbols.images[module_index(a, "ntoskrnl.exe")];
      CHECK(nt.header_present);
      CHECK(nt.symbols == SymbolSource::None);
    }
  }
}

TEST_CASE("symbols without a PDB: exports, marked as such; module+offset elsewhere", "[system][symbols]") {
  const DriverFiles d = driver("symdrv.sys", "symdrv.pdb");
  Analyzed a(build_system_dump(symbol_system(Arch::X64, d, Layout::Full)).dump);
  const Symbolizer& sym = a.analysis.symbols.symbolizer;
  CHECK(a.analysis.symbols.images[module_index(a.analysis, "symdrv.sys")].symbols == SymbolSource::Exports);
  // SymFaultingFunction is not exported and lies before every export: module+offset.
  auto culprit = sym.symbolize(a.analysis.culprit.address);
  REQUIRE(culprit);
  CHECK(culprit->text() == "symdrv+" + hex(d.rva("SymFaultingFunction") + kFaultOffset));
  auto exported = sym.symbolize(kSymBase64 + d.rva("SymExportedEntry") + 0x10);
  REQUIRE(exported);
  CHECK(exported->text() == "symdrv!SymExportedEntry+0x10");
  CHECK(exported->source == SymbolSource::Exports);
}

TEST_CASE("symbols: a mismatched PDB is refused with a warning, exports stay", "[system][symbols]") {
  const DriverFiles d = driver("symdrv.sys", "symdrv.pdb");
  auto dump = open_bytes(build_dump(build_system_dump(symbol_system(Arch::X64, d, Layout::Full)).dump));
  REQUIRE(dump.ok());
  // A provider that hands out the ARM64 PDB for any name, as a flat symbol folder with a stale file would.
  struct Stale final : SymbolProvider {
    std::unique_ptr<ByteSource> find_pdb(const CodeViewPdb&) override { return image_source("symdrva.pdb"); }
    std::unique_ptr<ByteSource> find_image(std::string_view, uint32_t, uint32_t) override { return nullptr; }
  } stale;
  AnalysisOptions options;
  options.symbols = &stale;
  const Analysis a = analyze(*dump, options);
  CHECK(a.symbols.images[module_index(a, "symdrv.sys")].symbols == SymbolSource::Exports);
  bool warned = false;
  for (const Warning& w : a.warnings) {
    if (w.code == "pdb-mismatch") {
      warned = true;
      CHECK_THAT(w.message, Catch::StartsWith("symdrv.sys: symdrv.pdb refused: the PDB does not match the image"));
    }
  }
  CHECK(warned);
}

TEST_CASE("symbols in a triage dump: the saved image pages give the RSDS identity and, with the PDB, names",
          "[system][symbols]") {
  const DriverFiles d = driver("symdrv.sys", "symdrv.pdb");
  TriageSpec spec = triage64_spec();
  spec.drivers.push_back({"\\SystemRoot\\System32\\drivers\\symdrv.sys", kSymBase64, d.mapped.size_of_image,
                          d.mapped.time_date_stamp, d.mapped.checksum});
  // The header page, .text and .rdata (debug directory, exports) as saved data blocks; .pdata and .rsrc are not.
  for (const MappedPiece& p : d.mapped.pieces) {
    if (p.rva < 0x3000) {
      std::vector<uint8_t> page = p.bytes;
      page.resize(0x1000, 0);
      spec.data_blocks.push_back({kSymBase64 + p.rva, page});
    }
  }
  const uint64_t fault = kSymBase64 + d.rva("SymFaultingFunction") + kFaultOffset;
  spec.header.bugcheck_parameters[1] = fault;

  auto dump = open_bytes(build_triage(spec));
  REQUIRE(dump.ok());
  const Analysis plain = analyze(*dump);
  REQUIRE(plain.culprit.module);
  CHECK(plain.culprit.module->name == "symdrv.sys");
  const ModuleImage& mi = plain.symbols.images[module_index(plain, "symdrv.sys")];
  CHECK(mi.header_present);
  REQUIRE(mi.image);
  REQUIRE(mi.image->codeview);
  CHECK(path_file_name(mi.image->codeview->pdb_name) == "symdrv.pdb");
  CHECK_FALSE(mi.image->version);  // .rsrc was not saved
  bool pdata_missing = false;
  for (const Warning& w : mi.image->missing) pdata_missing |= w.code == "pe-pdata-missing";
  CHECK(pdata_missing);
  CHECK(plain.symbols.symbolizer.symbolize(fault)->text() == "symdrv+" + hex(fault - kSymBase64));

  SymbolFileSet set;
  REQUIRE(set.add("symdrv.pdb", image_source("symdrv.pdb")).ok());
  AnalysisOptions options;
  options.symbols = &set;
  const Analysis named = analyze(*dump, options);
  CHECK(named.symbols.symbolizer.symbolize(fault)->text() == "symdrv!SymFaultingFunction+0x10");

  // A driver whose header page was not saved: nothing from the image, module+offset, headerPresent false.
  const ModuleImage& nt = named.symbols.images[module_index(named, "ntoskrnl.exe")];
  CHECK_FALSE(nt.header_present);
  CHECK_FALSE(nt.header_error.empty());
}

TEST_CASE("symbols: an image file from the provider when the dump lacks the header page", "[system][symbols]") {
  const DriverFiles d = driver("symdrv.sys", "symdrv.pdb");
  TriageSpec spec = triage64_spec();
  spec.drivers.push_back({"\\SystemRoot\\System32\\drivers\\symdrv.sys", kSymBase64, d.mapped.size_of_image,
                          d.mapped.time_date_stamp, d.mapped.checksum});
  const uint64_t fault = kSymBase64 + d.rva("SymFaultingFunction") + kFaultOffset;
  spec.header.bugcheck_parameters[1] = fault;
  auto dump = open_bytes(build_triage(spec));
  REQUIRE(dump.ok());
  SymbolFileSet set;
  REQUIRE(set.add("a.sys", image_source("symdrv.sys")).ok());
  REQUIRE(set.add("b.pdb", image_source("symdrv.pdb")).ok());
  AnalysisOptions options;
  options.symbols = &set;
  const Analysis a = analyze(*dump, options);
  const ModuleImage& mi = a.symbols.images[module_index(a, "symdrv.sys")];
  CHECK_FALSE(mi.header_present);
  CHECK(mi.image_from_file);
  CHECK(mi.symbols == SymbolSource::Pdb);
  CHECK(a.symbols.symbolizer.symbolize(fault)->text() == "symdrv!SymFaultingFunction+0x10");
}

TEST_CASE("summary JSON: image, symbols, culprit and stack symbols", "[system][symbols][json]") {
  const DriverFiles d = driver("symdrv.sys", "symdrv.pdb");
  auto dump = open_bytes(build_dump(build_system_dump(symbol_system(Arch::X64, d, Layout::Full)).dump));
  REQUIRE(dump.ok());
  SymbolFileSet set;
  REQUIRE(set.add("symdrv.pdb", image_source("symdrv.pdb")).ok());
  SummaryOptions options;
  options.symbols = &set;
  const std::string json = summary_json(*dump, options);
  CHECK_THAT(json, Catch::Contains(R"("symbol":"symdrv!SymFaultingFunction+0x10")"));
  CHECK_THAT(json, Catch::Contains(R"("symbol":"symdrv!SymHelperStatic+0x20")"));
  CHECK_THAT(json, Catch::Contains(R"("timeDateStampIsHash":true)"));
  CHECK_THAT(json, Catch::Contains(R"("companyName":"kdmpview test vendor")"));
  CHECK_THAT(json, Catch::Contains(R"("symbols":"pdb")"));
  CHECK_THAT(json, Catch::Contains(R"("symbols":"none")"));
  auto src = image_source("symdrv.sys");
  auto img = read_image_file(*src);
  REQUIRE(img.ok());
  CHECK_THAT(json, Catch::Contains(R"("guid":")" + img->codeview->guid.text() + R"(","age":1)"));
}

// ---- kdmp-parser --symbols and _NT_SYMBOL_PATH, against folders and a local HTTP symbol server ----

namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void copy_to(const std::string& image, const fs::path& target) {
  fs::create_directories(target.parent_path());
  fs::copy_file(image_path(image), target, fs::copy_options::overwrite_existing);
}

// `python3 -m http.server` on 127.0.0.1 and a port the system picks, serving dir; stopped by its pid.
struct HttpServer {
  pid_t pid = 0;
  int port = 0;
  explicit HttpServer(const fs::path& dir, const fs::path& log) {
    const fs::path pid_file = log.string() + ".pid";
    const std::string command = "python3 -u -m http.server 0 --bind 127.0.0.1 --directory '" + dir.string() +
                                "' > '" + log.string() + "' 2>&1 & echo $! > '" + pid_file.string() + "'";
    REQUIRE(std::system(command.c_str()) == 0);
    for (int i = 0; i < 200 && port == 0; ++i) {  // up to 20 s for the first line
      usleep(100 * 1000);
      std::ifstream in(log);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::smatch m;
      if (std::regex_search(text, m, std::regex(R"(port (\d+))"))) port = std::stoi(m[1]);
    }
    std::ifstream(pid_file) >> pid;
    REQUIRE(port != 0);
  }
  ~HttpServer() {
    if (pid > 0) kill(pid, SIGTERM);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

}  // namespace

TEST_CASE("kdmp-parser --symbols: folders, the store layout, a symbol server with a cache", "[cli][symbols]") {
  const DriverFiles d = driver("symdrv.sys", "symdrv.pdb");
  TempDir tmp("kdmp-cli-symbols");
  const fs::path dump = tmp.path / "symdrv-crash.dmp";
  write_file(dump.string(), build_dump(build_system_dump(symbol_system(Arch::X64, d, Layout::Full)).dump));
  auto src = image_source("symdrv.sys");
  auto img = read_image_file(*src);
  REQUIRE(img.ok());
  const std::string key = img->codeview->store_key();
  const std::string named = R"("symbol": "symdrv!SymFaultingFunction+0x10")";

  SECTION("no symbols: module+offset, exports marked") {
    const CliRun r = run_cli("--json " + dump.string(), "_NT_SYMBOL_PATH=");
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains(R"("symbols": "exports")"));
    CHECK_THAT(r.out, Catch::Contains(R"("symbol": "symdrv+)"));
  }
  SECTION("a flat folder") {
    copy_to("symdrv.pdb", tmp.path / "flat" / "symdrv.pdb");
    const CliRun r = run_cli("--json --symbols " + (tmp.path / "flat").string() + " " + dump.string());
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains(named));
    CHECK_THAT(r.out, Catch::Contains(R"("symbols": "pdb")"));
  }
  SECTION("a flat folder with another build's PDB: refused, named in the warnings") {
    copy_to("symdrva.pdb", tmp.path / "stale" / "symdrv.pdb");
    const CliRun r = run_cli("--json --symbols " + (tmp.path / "stale").string() + " " + dump.string());
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains(R"("code": "pdb-mismatch")"));
    CHECK_THAT(r.out, Catch::Contains(R"("symbols": "exports")"));
  }
  SECTION("_NT_SYMBOL_PATH with the store layout, after an empty --symbols folder") {
    copy_to("symdrv.pdb", tmp.path / "store" / "symdrv.pdb" / key / "symdrv.pdb");
    fs::create_directories(tmp.path / "empty");
    const CliRun r = run_cli("--modules --symbols " + (tmp.path / "empty").string() + " " + dump.string(),
                             "_NT_SYMBOL_PATH='" + (tmp.path / "nothing").string() + ";" +
                                 (tmp.path / "store").string() + "'");
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("symdrv.sys (kernel)\n    symbols: pdb, pdb "));
    CHECK_THAT(r.out, Catch::Contains("timestamp is a hash"));
    CHECK_THAT(r.out, Catch::Contains("version 10.0.19041.1 (test.200101-0001)"));
  }
  SECTION("srv*CACHE*URL: downloaded into the cache in the store layout; then served from the cache") {
    copy_to("symdrv.pdb", tmp.path / "server" / "symdrv.pdb" / key / "symdrv.pdb");
    const fs::path cache = tmp.path / "cache";
    {
      HttpServer server(tmp.path / "server", tmp.path / "server.log");
      const CliRun r = run_cli("--json --symbols 'srv*" + cache.string() + "*" + server.url() + "' " +
                               dump.string());
      CHECK(r.status == 0);
      CHECK_THAT(r.out, Catch::Contains(named));
      CHECK_THAT(r.out, Catch::Contains(R"("symbols": "pdb")"));
    }
    CHECK(fs::file_size(cache / "symdrv.pdb" / key / "symdrv.pdb") == fs::file_size(image_path("symdrv.pdb")));
    // The server is gone: the cache answers.
    const CliRun again = run_cli("--json --symbols 'srv*" + cache.string() + "*http://127.0.0.1:9' " + dump.string());
    CHECK(again.status == 0);
    CHECK_THAT(again.out, Catch::Contains(named));
  }
  SECTION("a server without the file: HTTP 404 is a warning") {
    fs::create_directories(tmp.path / "empty-server");
    HttpServer server(tmp.path / "empty-server", tmp.path / "empty-server.log");
    const CliRun r = run_cli("--json --symbols 'srv*" + (tmp.path / "c3").string() + "*" + server.url() + "' " +
                             dump.string());
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("warning: symbol-download-failed: " + server.url() + "/symdrv.pdb/" + key +
                                      "/symdrv.pdb: HTTP 404"));
    CHECK_FALSE(fs::exists(tmp.path / "c3" / "symdrv.pdb" / key / "symdrv.pdb"));
  }
  SECTION("a server that cannot be reached: a warning, the dump still opens") {
    const CliRun r = run_cli("--json --symbols 'srv*" + (tmp.path / "c2").string() + "*http://127.0.0.1:9' " +
                             dump.string());
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("warning: symbol-download-failed: http://127.0.0.1:9/symdrv.pdb/" + key));
    CHECK_THAT(r.out, Catch::Contains(R"("symbols": "exports")"));
  }
}
