// The PE image reader and the PDB reader on real files: the drivers tests/images builds with clang-cl and lld-link
// for x64 (linked /Brepro) and ARM64, with a version resource. Expected values come from the sources
// (symdrv.c, symdrv.rc) and from llvm-pdbutil's reading of the same PDBs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>

#include "kdmp/module_symbols.hpp"
#include "kdmp/pdb.hpp"
#include "kdmp/pe_image.hpp"
#include "test_images_helpers.hpp"

namespace kdmp::testing {
namespace {

std::string upper_braced(const Guid& g) {
  std::string t = "{" + g.text() + "}";
  for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return t;
}

const PeExport* export_named(const PeImage& img, const std::string& name) {
  for (const PeExport& e : img.exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

struct Driver {
  const char* sys;
  const char* pdb;
  uint16_t machine;
  bool repro;
};
constexpr Driver kX64{"symdrv.sys", "symdrv.pdb", 0x8664, true};
constexpr Driver kArm64{"symdrva.sys", "symdrva.pdb", 0xAA64, false};

}  // namespace

TEST_CASE("pe image file: headers, sections, exports, CodeView, REPRO, version", "[pe]") {
  for (const Driver& d : {kX64, kArm64}) {
    INFO(d.sys);
    auto source = image_source(d.sys);
    auto img = read_image_file(*source);
    REQUIRE(img.ok());
    CHECK(img->machine == d.machine);
    CHECK(img->pe32_plus);
    CHECK(img->missing.empty());
    std::vector<std::string> names;
    for (const PeSection& s : img->sections) names.push_back(s.name);
    CHECK(names == std::vector<std::string>{".text", ".rdata", ".data", ".pdata", ".rsrc"});
    CHECK(img->export_name == d.sys);
    REQUIRE(img->exports.size() == 2);
    CHECK(export_named(*img, "SymExportedEntry") != nullptr);
    CHECK(export_named(*img, "SymSecondExport") != nullptr);
    REQUIRE(img->codeview);
    CHECK(img->codeview->age == 1);
    CHECK(path_file_name(img->codeview->pdb_name) == d.pdb);
    CHECK(img->time_date_stamp_is_hash == d.repro);
    REQUIRE(img->version);
    CHECK(img->version->file_version == "10.0.19041.1 (test.200101-0001)");
    CHECK(img->version->product_version == "10.0.19041.1");
    CHECK(img->version->company_name == "kdmpview test vendor");
    CHECK(img->version->file_description == "Symbol test driver");
    CHECK(img->version->product_name == "kdmpview tests");
    // Every .pdata entry covers exactly one function's code (lengths from llvm-pdbutil); x64 leaf functions may
    // have none, the functions that call others have one.
    const PdbUtilView view = pdbutil_view(image_path(d.pdb));
    REQUIRE(view.procedures.size() == 5);
    CHECK(img->runtime_functions.size() >= 4);
    for (const RuntimeFunction& f : img->runtime_functions) {
      const auto p = std::find_if(view.procedures.begin(), view.procedures.end(),
                                  [&](const PdbUtilSymbol& s) { return s.rva == f.begin; });
      REQUIRE(p != view.procedures.end());
      CHECK(f.end == p->rva + p->length);
    }
    for (const PdbUtilSymbol& p : view.procedures) {
      INFO(p.name);
      // Leaf functions need no .pdata (llvm-readobj --unwind agrees): the static helper on both machines, and on
      // x64 the entry that only tail-jumps.
      if (p.name == "SymHelperStatic" || (d.machine == 0x8664 && p.name == "SymExportedEntry")) continue;
      const RuntimeFunction* f = img->find_runtime_function(p.rva + p.length / 2);
      REQUIRE(f != nullptr);
      CHECK(f->begin == p.rva);
    }
    CHECK(img->find_runtime_function(0x10) == nullptr);
    // The exports are where the PDB says the functions are.
    for (const PdbUtilSymbol& p : view.procedures) {
      if (const PeExport* e = export_named(*img, p.name)) CHECK(e->rva == p.rva);
    }
  }
}

TEST_CASE("pe image: store keys and GUID text", "[pe]") {
  CodeViewPdb cv;
  cv.guid.bytes = {0xb2, 0x1a, 0x87, 0x58, 0xb2, 0x09, 0x60, 0x01, 0x4c, 0x4c, 0x44, 0x20, 0x50, 0x44, 0x42, 0x2e};
  cv.age = 0x1a;
  CHECK(cv.guid.text() == "58871ab2-09b2-0160-4c4c-44205044422e");
  CHECK(cv.store_key() == "58871AB209B201604C4C44205044422E1A");
  CHECK(image_store_key(0x3ef364fe, 0x6000) == "3EF364FE6000");
  CHECK(image_store_key(0x0000abcd, 0x10000) == "0000ABCD10000");
}

TEST_CASE("pe image: broken and truncated images are errors or partial, never crashes", "[pe]") {
  const std::vector<uint8_t> good = image_file("symdrv.sys");
  SECTION("not MZ") {
    std::vector<uint8_t> b = good;
    b[0] = 'X';
    BytesSource s(b);
    auto img = read_image_file(s);
    REQUIRE_FALSE(img.ok());
    CHECK_THAT(img.error().message, Catch::Contains("MZ"));
  }
  SECTION("truncated after the headers: directories named as missing") {
    BytesSource s(std::vector<uint8_t>(good.begin(), good.begin() + 0x400));
    auto img = read_image_file(s);
    REQUIRE(img.ok());
    CHECK(img->sections.size() == 5);
    std::vector<std::string> codes;
    for (const Warning& w : img->missing) codes.push_back(w.code);
    CHECK(std::count(codes.begin(), codes.end(), "pe-exports-missing") == 1);
    CHECK(std::count(codes.begin(), codes.end(), "pe-debug-missing") == 1);
    CHECK(std::count(codes.begin(), codes.end(), "pe-pdata-missing") == 1);
    CHECK(img->exports.empty());
    CHECK_FALSE(img->codeview);
  }
  SECTION("every truncation and a sweep of byte flips") {
    for (size_t n = 0; n < good.size(); n += 97) {
      BytesSource s(std::vector<uint8_t>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)));
      (void)read_image_file(s);
    }
    for (size_t i = 0; i < 0x600 && i < good.size(); ++i) {
      for (uint8_t v : {uint8_t{0}, uint8_t{0xff}, uint8_t{0x7f}}) {
        std::vector<uint8_t> b = good;
        b[i] = v;
        BytesSource s(b);
        (void)read_image_file(s);
      }
    }
    SUCCEED("no crash, no hang");
  }
}

TEST_CASE("pdb: identity, modules, sections, symbols agree with llvm-pdbutil", "[pdb]") {
  for (const Driver& d : {kX64, kArm64}) {
    INFO(d.pdb);
    auto pdb = Pdb::open(image_source(d.pdb));
    REQUIRE(pdb.ok());
    const PdbUtilView view = pdbutil_view(image_path(d.pdb));
    CHECK(upper_braced(pdb->guid()) == view.guid);
    CHECK(pdb->age() == view.age);
    CHECK(pdb->machine() == d.machine);
    CHECK(pdb->sections().size() == 5);
    CHECK(pdb->modules().size() >= 2);
    // The image's RSDS record names this PDB.
    auto image_source_ = image_source(d.sys);
    auto img = read_image_file(*image_source_);
    REQUIRE(img.ok());
    REQUIRE(img->codeview);
    CHECK(pdb->matches(*img->codeview).ok());

    std::vector<Warning> warnings;
    auto table = pdb->index_symbols(&warnings);
    REQUIRE(table.ok());
    CHECK(warnings.empty());
    // Procedures: the exact range, including the static one (no public symbol).
    for (const PdbUtilSymbol& p : view.procedures) {
      INFO(p.name);
      auto start = table->find(p.rva);
      REQUIRE(start);
      CHECK(start->name == p.name);
      CHECK(start->offset == 0);
      auto last = table->find(p.rva + p.length - 1);
      REQUIRE(last);
      CHECK(last->name == p.name);
      CHECK(last->offset == p.length - 1);
      CHECK(table->rva_of(p.name) == p.rva);
    }
    CHECK(table->rva_of("SymHelperStatic").has_value());
    // Publics: every one is found at its address (data publics included).
    for (const PdbUtilSymbol& p : view.publics) {
      INFO(p.name);
      auto hit = table->find(p.rva);
      REQUIRE(hit);
      CHECK(hit->offset == 0);
    }
  }
}

TEST_CASE("pdb: a PDB that does not match the image is refused with both identities", "[pdb]") {
  auto pdb = Pdb::open(image_source(kArm64.pdb));
  REQUIRE(pdb.ok());
  auto src = image_source(kX64.sys);
  auto img = read_image_file(*src);
  REQUIRE(img.ok());
  auto st = pdb->matches(*img->codeview);
  REQUIRE_FALSE(st.ok());
  CHECK_THAT(st.error().message, Catch::Contains(img->codeview->guid.text()));
  CHECK_THAT(st.error().message, Catch::Contains(pdb->guid().text()));
  CHECK_THAT(st.error().message, Catch::Contains("does not match"));
  // The same GUID with another age is refused too.
  CodeViewPdb other = *img->codeview;
  other.guid = pdb->guid();
  other.age = pdb->age() + 1;
  CHECK_FALSE(pdb->matches(other).ok());
}

TEST_CASE("pdb: reads go through the source in blocks, never the whole file at once", "[pdb]") {
  auto src = image_source(kX64.pdb);
  BytesSource* raw = src.get();
  const uint64_t size = raw->size();
  auto pdb = Pdb::open(std::move(src));
  REQUIRE(pdb.ok());
  REQUIRE(pdb->index_symbols().ok());
  CHECK(raw->reads > 0);
  CHECK(size > 64 * 1024);
}

TEST_CASE("pdb: broken files are errors naming the place, never crashes", "[pdb]") {
  const std::vector<uint8_t> good = image_file(kX64.pdb);
  SECTION("not MSF") {
    std::vector<uint8_t> b = good;
    b[0] = 'X';
    auto pdb = Pdb::open(std::make_unique<BytesSource>(b));
    REQUIRE_FALSE(pdb.ok());
    CHECK_THAT(pdb.error().message, Catch::Contains("MSF 7.0"));
  }
  SECTION("blocks past the end") {
    auto pdb = Pdb::open(std::make_unique<BytesSource>(std::vector<uint8_t>(good.begin(), good.begin() + 8192)));
    REQUIRE_FALSE(pdb.ok());
    CHECK_THAT(pdb.error().message, Catch::Contains("blocks"));
  }
  SECTION("flips in the superblock, the directory and the streams") {
    // Every byte of the first blocks' interesting parts, three values each.
    for (size_t i = 0; i < good.size(); i += (i < 64 ? 1 : 61)) {
      for (uint8_t v : {uint8_t{0}, uint8_t{0xff}, uint8_t{0x41}}) {
        std::vector<uint8_t> b = good;
        b[i] = v;
        auto pdb = Pdb::open(std::make_unique<BytesSource>(b));
        if (pdb.ok()) {
          auto table = pdb->index_symbols();
          if (table.ok()) (void)table->find(0x1000);
        } else {
          CHECK_FALSE(pdb.error().message.empty());
        }
      }
    }
  }
}

TEST_CASE("symbol file set: files matched by identity whatever their names, the unmatched listed", "[pdb]") {
  SymbolFileSet set;
  REQUIRE(set.add("renamed.pdb", image_source(kX64.pdb)).ok());
  REQUIRE(set.add("other.pdb", image_source(kArm64.pdb)).ok());
  REQUIRE(set.add("drv-copy.sys", image_source(kX64.sys)).ok());
  auto junk = set.add("notes.txt", std::make_unique<BytesSource>(std::vector<uint8_t>(100, 'a')));
  REQUIRE_FALSE(junk.ok());
  CHECK_THAT(junk.error().message, Catch::Contains("neither a PDB nor a PE image"));
  REQUIRE(set.files().size() == 3);

  auto src = image_source(kX64.sys);
  auto img = read_image_file(*src);
  REQUIRE(img.ok());
  CHECK(set.find_pdb(*img->codeview) != nullptr);
  CHECK(set.find_image("whatever.sys", img->time_date_stamp, img->size_of_image) != nullptr);
  CHECK(set.find_image("symdrv.sys", img->time_date_stamp, img->size_of_image + 0x1000) == nullptr);
  CHECK(set.files()[0].used);
  CHECK_FALSE(set.files()[1].used);
  CHECK(set.files()[2].used);
}

TEST_CASE("export symbols: the fallback names exported functions", "[pe]") {
  auto src = image_source(kX64.sys);
  auto img = read_image_file(*src);
  REQUIRE(img.ok());
  const SymbolTable table = export_symbols(*img);
  REQUIRE(table.size() == 2);
  const uint32_t rva = *table.rva_of("SymSecondExport");
  auto hit = table.find(rva + 4);
  REQUIRE(hit);
  CHECK(hit->name == "SymSecondExport");
  CHECK(hit->offset == 4);
}

TEST_CASE("pdb: x86 publics lose their C decoration, as WinDbg shows them", "[pdb]") {
  // The x86 stack driver (tests/stack_images, clang-cl /Oy): its assembly function StackFpoAsm has only a public,
  // `_StackFpoAsm`; the C functions have procedures (undecorated) and publics (`_StackLeaf`); the CRT's `__chkstk`.
  auto pdb = Pdb::open(
      std::make_unique<BytesSource>(fixtures::read_file_bytes(std::string(KDMP_STACK_IMAGES_DIR) + "/x86/stackdrv.pdb")));
  REQUIRE(pdb.ok());
  CHECK(pdb->machine() == 0x14c);
  auto table = pdb->index_symbols(nullptr);
  REQUIRE(table.ok());
  std::vector<std::string> names;
  for (const auto& e : table->entries()) names.emplace_back(table->name(e));
  for (const char* name : {"StackFpoAsm", "StackLeaf", "DriverEntry", "_chkstk"}) {
    INFO(name);
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  }
  for (const char* decorated : {"_StackFpoAsm", "_StackLeaf", "_DriverEntry", "__chkstk"}) {
    INFO(decorated);
    CHECK(std::find(names.begin(), names.end(), decorated) == names.end());
  }
  CHECK(table->rva_of("StackFpoAsm").has_value());
}

}  // namespace kdmp::testing
