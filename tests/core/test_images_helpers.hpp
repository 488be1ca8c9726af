// The real driver images and PDBs tests/images builds at test time (clang-cl + lld-link), and llvm-pdbutil's view
// of a PDB, parsed from its text, to cross-check the core's reader.
#pragma once
#include <cstdio>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "image_mapping.hpp"
#include "kdmp/source.hpp"

namespace kdmp::testing {

inline std::string image_path(const std::string& file) { return std::string(KDMP_IMAGES_DIR) + "/" + file; }
inline std::vector<uint8_t> image_file(const std::string& file) { return fixtures::read_file_bytes(image_path(file)); }

// A ByteSource that owns its bytes.
class BytesSource final : public ByteSource {
 public:
  explicit BytesSource(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)), inner_(bytes_) {}
  uint64_t size() const override { return bytes_.size(); }
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override {
    ++reads;
    return inner_.read(offset, out);
  }
  size_t reads = 0;

 private:
  std::vector<uint8_t> bytes_;
  MemorySource inner_;
};

inline std::unique_ptr<BytesSource> image_source(const std::string& file) {
  return std::make_unique<BytesSource>(image_file(file));
}

struct PdbUtilSymbol {
  std::string name;
  uint32_t rva = 0;
  uint32_t length = 0;  // procedures only
};

struct PdbUtilView {
  std::vector<PdbUtilSymbol> procedures, publics;
  std::string guid;  // "{58871AB2-09B2-0160-4C4C-44205044422E}"
  uint32_t age = 0;
};

inline std::string run_command(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

// llvm-pdbutil dump -summary -section-headers -symbols -publics, parsed.
inline PdbUtilView pdbutil_view(const std::string& pdb) {
  const std::string text =
      run_command(std::string(KDMP_LLVM_PDBUTIL) + " dump -summary -section-headers -symbols -publics " + pdb);
  PdbUtilView v;
  std::vector<uint32_t> section_va;
  std::smatch m;
  const std::regex va_re(R"(^\s+([0-9A-Fa-f]+) virtual address$)");
  const std::regex proc_re(R"(S_[GL]PROC32(_ID)? \[size = \d+\] `([^`]*)`)");
  const std::regex pub_re(R"(S_PUB32 \[size = \d+\] `([^`]*)`)");
  const std::regex proc_addr_re(R"(addr = (\d+):(\d+), code size = (\d+))");
  const std::regex pub_addr_re(R"(addr = (\d+):(\d+))");
  const std::regex guid_re(R"(GUID: (\{[0-9A-F-]+\}))");
  const std::regex age_re(R"(^\s+Age: (\d+))");
  std::string pending_proc, pending_pub;
  std::istringstream lines(text);
  std::string line;
  // Section headers come after the symbols in llvm-pdbutil's output: keep section:offset, convert at the end.
  std::vector<std::pair<uint32_t, uint32_t>> proc_at, pub_at;
  auto address = [](const std::string& seg, const std::string& off) {
    return std::make_pair(static_cast<uint32_t>(std::stoul(seg)), static_cast<uint32_t>(std::stoul(off)));
  };
  while (std::getline(lines, line)) {
    if (std::regex_search(line, m, va_re)) section_va.push_back(static_cast<uint32_t>(std::stoul(m[1], nullptr, 16)));
    if (std::regex_search(line, m, guid_re)) v.guid = m[1];
    if (std::regex_search(line, m, age_re) && v.age == 0) v.age = static_cast<uint32_t>(std::stoul(m[1]));
    if (std::regex_search(line, m, proc_re)) {
      pending_proc = m[2];
      continue;
    }
    if (std::regex_search(line, m, pub_re)) {
      pending_pub = m[1];
      continue;
    }
    if (!pending_proc.empty() && std::regex_search(line, m, proc_addr_re)) {
      v.procedures.push_back({pending_proc, 0, static_cast<uint32_t>(std::stoul(m[3]))});
      proc_at.push_back(address(m[1], m[2]));
      pending_proc.clear();
    } else if (!pending_pub.empty() && std::regex_search(line, m, pub_addr_re)) {
      v.publics.push_back({pending_pub, 0, 0});
      pub_at.push_back(address(m[1], m[2]));
      pending_pub.clear();
    }
  }
  auto rva = [&](std::pair<uint32_t, uint32_t> a) {
    return a.first >= 1 && a.first <= section_va.size() ? section_va[a.first - 1] + a.second : 0u;
  };
  for (size_t i = 0; i < v.procedures.size(); ++i) v.procedures[i].rva = rva(proc_at[i]);
  for (size_t i = 0; i < v.publics.size(); ++i) v.publics[i].rva = rva(pub_at[i]);
  return v;
}

}  // namespace kdmp::testing
